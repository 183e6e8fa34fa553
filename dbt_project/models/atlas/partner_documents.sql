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

events as (

    select * from {{ ref('fct_event') }}

),

participants as (

    select * from {{ ref('bridge_event_participant') }}

),

-- The pairs are de-duplicated by numbers, not by the 32-character surrogate keys: at 10M
-- events the events alone give 20M pairs, and their keys' union does not fit under the
-- pipeline's memory cap (bench/README.md, "10M events after the atlas became models").
partner_numbers as (

    select partner_key, row_number() over (order by partner_key) as partner_number
    from partners

),

document_numbers as (

    select
        document_key,
        row_number() over (order by document_key) as document_number,
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

event_documents as (

    select events.event_key, document_numbers.document_number
    from events
    inner join document_numbers
        on events.document_key = document_numbers.document_key

),

cited as (

    select partner_numbers.partner_number, document_numbers.document_number
    from cited_keys
    inner join partner_numbers
        on cited_keys.partner_key = partner_numbers.partner_key
    inner join document_numbers
        on cited_keys.document_key = document_numbers.document_key
    union
    select partner_numbers.partner_number, event_documents.document_number
    from participants
    inner join event_documents
        on participants.event_key = event_documents.event_key
    inner join partner_numbers
        on participants.partner_key = partner_numbers.partner_key

),

dated as (

    select
        cited.partner_number,
        cited.document_number,
        document_numbers.published_on_or_first,
        document_numbers.document_id
    from cited
    inner join document_numbers
        on cited.document_number = document_numbers.document_number

),

latest as (

    {{ latest_per_group('dated', 'partner_number', ['document_number'],
        ['published_on_or_first', 'document_id'], 100) }}

),

totals as (

    select partner_number, count(*) as total
    from cited
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
