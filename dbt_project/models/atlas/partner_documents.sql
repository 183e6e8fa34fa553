-- The atlas's partner pages, table "Documents": the source documents behind each partner's
-- row, its agreements, memberships and events (the 100 latest published), with their 4x4
-- grade and handling code; `total` is how many documents in all.
with partners as (

    select * from {{ ref('dim_partner') }}

),

documents as (

    select * from {{ ref('dim_source_document') }}

),

agreements as (

    select * from {{ ref('fct_agreement') }}

),

parties as (

    select * from {{ ref('bridge_agreement_party') }}

),

memberships as (

    select * from {{ ref('fct_membership') }}

),

event_pairs as (

    select * from {{ ref('int_atlas_partner_event_document_pairs') }}

),

events_latest as (

    select * from {{ ref('int_atlas_partner_documents_latest') }}

),

partner_numbers as (

    select partner_key, {{ key_number('partner_key') }} as partner_number
    from partners

),

document_numbers as (

    select
        document_key,
        {{ key_number('document_key') }} as document_number,
        coalesce(published_on, cast('0001-01-01' as date)) as published_on_or_first,
        document_id
    from documents

),

cited_keys as (

    select partner_key, document_key from partners
    union all
    select parties.partner_key, agreements.document_key
    from parties
    inner join agreements
        on parties.agreement_key = agreements.agreement_key
    union all
    select member_partner_key, document_key from memberships
    union all
    select organisation_partner_key, document_key from memberships

),

cited_numbers as (

    select distinct
        {{ key_number('partner_key') }} as partner_number,
        {{ key_number('document_key') }} as document_number
    from cited_keys

),

-- The pairs the partners', agreements' and memberships' rows give (thousands), less those an
-- event gave too: the events' pairs (20M at 10M events) are ranked and counted between builds.
cited_apart as (

    select cited_numbers.partner_number, cited_numbers.document_number
    from cited_numbers
    where not exists (
        select 1
        from event_pairs
        where event_pairs.partner_number = cited_numbers.partner_number
            and event_pairs.document_number = cited_numbers.document_number
    )

),

cited_dated as (

    select
        cited_apart.partner_number,
        cited_apart.document_number,
        document_numbers.published_on_or_first,
        document_numbers.document_id
    from cited_apart
    inner join document_numbers
        on cited_apart.document_number = document_numbers.document_number

),

candidates as (

    select partner_number, document_number, published_on_or_first, document_id
    from events_latest
    union all
    select partner_number, document_number, published_on_or_first, document_id
    from cited_dated

),

latest as (

    {{ latest_per_group('candidates', 'partner_number', ['document_number'],
        ['published_on_or_first', 'document_id'], 100) }}

),

counted as (

    select partner_number, max(total) as total
    from events_latest
    group by partner_number
    union all
    select partner_number, count(*) as total
    from cited_dated
    group by partner_number

),

totals as (

    select partner_number, sum(total) as total
    from counted
    group by partner_number

),

final as (

    select
        cast(partners.partner_id as {{ dbt.type_string() }}) as partner_id,
        documents.published_on,
        cast(documents.title as {{ dbt.type_string() }}) as title,
        cast(documents.publisher as {{ dbt.type_string() }}) as publisher,
        cast(documents.url as {{ dbt.type_string() }}) as source_url,
        cast(documents.evaluation_code as {{ dbt.type_string() }}) as evaluation_code,
        cast(documents.handling_code as {{ dbt.type_string() }}) as handling_code,
        cast(totals.total as {{ dbt.type_bigint() }}) as total
    from latest
    inner join totals
        on latest.partner_number = totals.partner_number
    inner join partner_numbers
        on latest.partner_number = partner_numbers.partner_number
    inner join partners
        on partner_numbers.partner_key = partners.partner_key
    inner join document_numbers
        on latest.document_number = document_numbers.document_number
    inner join documents
        on document_numbers.document_key = documents.document_key

)

select * from final
