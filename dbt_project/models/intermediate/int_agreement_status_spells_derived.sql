-- Status history of each agreement, derived from the dates its record carries: one spell per
-- status with a known start date, ending where the next one starts (valid_to is exclusive).
-- A date no source gives is never made up: an agreement in force whose entry into force is
-- undated has no in_force spell (its record's status says it is in force now; since when is
-- unknown), and a Commission recommendation or a Council mandate is its own status, not the
-- opening of negotiations. One start alone is inferred, and flagged: an agreement superseded
-- without an end date ends when its successor entered into force, when that date is known.
with agreements as (

    select * from {{ ref('stg_curated__agreements') }}

),

successors as (

    select * from {{ ref('stg_curated__agreements') }}

),

status_starts as (

    select
        agreement_id,
        'recommended' as status,
        1 as status_order,
        recommended_on as valid_from,
        false as is_valid_from_inferred
    from agreements where recommended_on is not null
    union all
    select agreement_id, 'mandate_adopted', 2, mandate_adopted_on, false
    from agreements where mandate_adopted_on is not null
    union all
    select agreement_id, 'negotiating', 3, negotiations_opened_on, false
    from agreements where negotiations_opened_on is not null
    union all
    select agreement_id, 'signed', 4, signed_on, false
    from agreements where signed_on is not null
    union all
    select agreement_id, 'concluded', 5, concluded_on, false
    from agreements where concluded_on is not null
    union all
    select agreement_id, 'in_force', 6, in_force_on, false
    from agreements where in_force_on is not null
    union all
    select agreement_id, 'superseded', 7, ended_on, false
    from agreements where ended_on is not null
    union all
    select agreements.agreement_id, 'superseded', 7, successors.in_force_on, true
    from agreements
    inner join successors
        on agreements.superseded_by_agreement_id = successors.agreement_id
    where agreements.status = 'superseded' and agreements.ended_on is null
        and successors.in_force_on is not null

),

-- a status never goes back: a start that comes after a later status's start (a ceremonial
-- signing after the entry into force) does not open a spell of its own
reached as (

    select
        *,
        max(status_order) over (
            partition by agreement_id order by valid_from, status_order
            rows between unbounded preceding and 1 preceding
        ) as reached_order
    from status_starts

),

kept as (

    select * from reached
    where reached_order is null or status_order > reached_order

),

final as (

    select
        agreement_id,
        status,
        status_order,
        valid_from,
        is_valid_from_inferred,
        lead(valid_from) over (
            partition by agreement_id order by valid_from, status_order
        ) as valid_to
    from kept

)

select * from final
