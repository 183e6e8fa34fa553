-- The atlas's chart "Partners and threats": events per partner and threat (an event counts
-- once for every partner taking part and every threat it discussed or targeted), for the 30
-- partners with the most such events.
with partners as (

    select * from {{ ref('dim_partner') }}

),

threats as (

    select * from {{ ref('dim_threat') }}

),

counts as (

    select * from {{ ref('int_atlas_partner_threat_counts') }}

),

top_partners as (

    select partner_key
    from counts
    group by partner_key
    order by sum(events) desc, partner_key
    limit 30

),

final as (

    select
        cast(partners.partner_id as {{ dbt.type_string() }}) as partner_id,
        cast(partners.partner_name as {{ dbt.type_string() }}) as partner_name,
        cast(threats.threat_id as {{ dbt.type_string() }}) as threat_id,
        cast(threats.threat_name as {{ dbt.type_string() }}) as threat_name,
        cast(counts.events as {{ dbt.type_bigint() }}) as events
    from counts
    inner join top_partners
        on counts.partner_key = top_partners.partner_key
    inner join partners
        on counts.partner_key = partners.partner_key
    inner join threats
        on counts.threat_key = threats.threat_key

)

select * from final
