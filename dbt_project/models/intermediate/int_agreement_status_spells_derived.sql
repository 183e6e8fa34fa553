-- Status history of each agreement, derived from the dates its record carries: one spell per
-- status with a known start date, ending where the next one starts (valid_to is exclusive).
-- An agreement whose sources say "in force" without an entry-into-force date is taken to be
-- in force from its signature, and one superseded without an end date to end when its
-- successor took effect (entry into force, else signature); both starts are flagged inferred.
with agreements as (

    select * from {{ ref('stg_curated__agreements') }}

),

successors as (

    select * from {{ ref('stg_curated__agreements') }}

),

status_starts as (

    select
        agreement_id,
        'negotiating' as status,
        1 as status_order,
        negotiations_opened_on as valid_from,
        false as is_valid_from_inferred
    from agreements where negotiations_opened_on is not null
    union all
    select agreement_id, 'signed', 2, signed_on, false
    from agreements where signed_on is not null
    union all
    select agreement_id, 'concluded', 3, concluded_on, false
    from agreements where concluded_on is not null
    union all
    select agreement_id, 'in_force', 4, in_force_on, false
    from agreements where in_force_on is not null
    union all
    select agreement_id, 'superseded', 5, ended_on, false
    from agreements where ended_on is not null
    union all
    select agreement_id, 'in_force', 4, signed_on, true
    from agreements where status = 'in_force' and in_force_on is null and signed_on is not null
    union all
    select agreements.agreement_id, 'superseded', 5,
        coalesce(successors.in_force_on, successors.signed_on), true
    from agreements
    inner join successors
        on agreements.superseded_by_agreement_id = successors.agreement_id
    where agreements.status = 'superseded' and agreements.ended_on is null
        and coalesce(successors.in_force_on, successors.signed_on) is not null

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
