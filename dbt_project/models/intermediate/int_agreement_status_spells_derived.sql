-- Status history of each agreement, derived from the dates its record carries: one spell per
-- status with a known start date, ending where the next one starts (valid_to is exclusive).
with agreements as (

    select * from {{ ref('stg_curated__agreements') }}

),

status_starts as (

    select agreement_id, 'negotiating' as status, 1 as status_order, negotiations_opened_on as valid_from
    from agreements where negotiations_opened_on is not null
    union all
    select agreement_id, 'signed', 2, signed_on
    from agreements where signed_on is not null
    union all
    select agreement_id, 'concluded', 3, concluded_on
    from agreements where concluded_on is not null
    union all
    select agreement_id, 'in_force', 4, in_force_on
    from agreements where in_force_on is not null
    union all
    select agreement_id, 'superseded', 5, ended_on
    from agreements where ended_on is not null

),

final as (

    select
        agreement_id,
        status,
        status_order,
        valid_from,
        lead(valid_from) over (
            partition by agreement_id order by valid_from, status_order
        ) as valid_to
    from status_starts

)

select * from final
