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

-- The pairs the partners', agreements' and memberships' rows give (thousands), less those an
-- event gave too: the events' pairs (20M at 10M events) are already distinct.
cited_apart as (

    select {{ key_number('partner_key') }} as partner_number,
        {{ key_number('document_key') }} as document_number
    from cited_keys
    except
    select event_pairs.partner_number, event_pairs.document_number
    from event_pairs
    inner join (
        select distinct {{ key_number('partner_key') }} as partner_number,
            {{ key_number('document_key') }} as document_number
        from cited_keys
    ) as cited
        on event_pairs.partner_number = cited.partner_number
        and event_pairs.document_number = cited.document_number

),

cited as (

    select partner_number, document_number from event_pairs
    union all
    select partner_number, document_number from cited_apart

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
    from dated
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
