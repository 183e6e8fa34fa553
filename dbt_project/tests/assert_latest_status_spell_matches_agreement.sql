-- The status history of an agreement leads to its current status in fct_agreement: a row here
-- is an agreement whose history ends in another status although its current status is dated,
-- or whose history goes past its current status. An agreement whose current status is undated
-- (in force, entry into force unknown) ends its history at the last dated status before it.
-- Agreements with no dated status have no history and are not compared.
{{ config(meta={'dagster': {'ref': {'name': 'fct_agreement_status_history'}}}) }}

with agreements as (

    select * from {{ ref('fct_agreement') }}

),

history as (

    select * from {{ ref('fct_agreement_status_history') }}

),

status_orders as (

    select * from (values
        ('recommended', 1), ('mandate_adopted', 2), ('negotiating', 3), ('signed', 4),
        ('concluded', 5), ('in_force', 6), ('superseded', 7)
    ) as orders (status, status_order)

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
    inner join status_orders as current_order
        on agreements.status = current_order.status
    inner join status_orders as latest_order
        on latest.status = latest_order.status
    where agreements.status <> latest.status
        and (
            latest_order.status_order > current_order.status_order
            or exists (
                select 1 from history as dated
                where dated.agreement_key = agreements.agreement_key
                    and dated.status = agreements.status
            )
        )

)

select * from final
