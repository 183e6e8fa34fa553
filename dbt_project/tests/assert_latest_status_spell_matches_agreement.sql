-- The latest spell of an agreement's status history is its current status in fct_agreement:
-- a row here is an agreement whose history ends in another status. Agreements with no dated
-- status have no history and are not compared.
{{ config(meta={'dagster': {'ref': {'name': 'fct_agreement_status_history'}}}) }}

with agreements as (

    select * from {{ ref('fct_agreement') }}

),

history as (

    select * from {{ ref('fct_agreement_status_history') }}

),

latest as (

    select agreement_key, status
    from history
    where is_latest_known

),

final as (

    select
        agreements.agreement_id,
        agreements.status,
        latest.status as latest_history_status
    from agreements
    inner join latest
        on agreements.agreement_key = latest.agreement_key
    where agreements.status <> latest.status

)

select * from final
