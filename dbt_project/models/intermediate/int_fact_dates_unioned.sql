-- Every date any fact carries, repeats kept: the calendar dimension reads only their range,
-- and a distinct over every event's dates would cost more than the whole calendar.
with agreements as (

    select * from {{ ref('stg_curated__agreements') }}

),

events as (

    select * from {{ ref('stg_curated__events') }}

),

memberships as (

    select * from {{ ref('stg_curated__memberships') }}

),

documents as (

    select * from {{ ref('stg_curated__source_documents') }}

),

partners as (

    select * from {{ ref('stg_curated__partners') }}

),

all_dates as (

    select recommended_on as fact_date from agreements
    union all select mandate_adopted_on from agreements
    union all select negotiations_opened_on from agreements
    union all select signed_on from agreements
    union all select concluded_on from agreements
    union all select in_force_on from agreements
    union all select ended_on from agreements
    union all select started_on from events
    union all select ended_on from events
    union all select valid_from from memberships
    union all select valid_to from memberships
    union all select published_on from documents
    union all select founded_on from partners

),

final as (

    select fact_date
    from all_dates
    where fact_date is not null

)

select * from final
