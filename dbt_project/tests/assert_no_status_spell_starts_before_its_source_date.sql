-- No spell of the status history is dated more strongly than its source: each spell starts on
-- the date the agreement's record gives for that status. A row here is a spell whose start no
-- source gives (an in_force spell opened at the signature, say). The one inference allowed is
-- flagged: a superseded spell that starts when the successor entered into force.
{{ config(meta={'dagster': {'ref': {'name': 'fct_agreement_status_history'}}}) }}

with agreements as (

    select * from {{ ref('fct_agreement') }}

),

history as (

    select * from {{ ref('fct_agreement_status_history') }}

),

recorded as (

    select
        history.agreement_status_key,
        history.status,
        history.valid_from,
        history.is_valid_from_inferred,
        case history.status
            when 'recommended' then agreements.recommended_on
            when 'mandate_adopted' then agreements.mandate_adopted_on
            when 'negotiating' then agreements.negotiations_opened_on
            when 'signed' then agreements.signed_on
            when 'concluded' then agreements.concluded_on
            when 'in_force' then agreements.in_force_on
            when 'superseded' then agreements.ended_on
        end as source_date
    from history
    inner join agreements
        on history.agreement_key = agreements.agreement_key

),

final as (

    select *
    from recorded
    where (source_date is null or valid_from <> source_date)
        and not (status = 'superseded' and is_valid_from_inferred)

)

select * from final
