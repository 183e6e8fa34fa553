-- The 100 latest documents (by publication day, then id) behind each partner's events, with
-- how many distinct documents its events cite (`total`); the atlas's partner pages read it.
-- Kept between builds on DuckDB (macros/atlas_incremental.sql): an increment adds the
-- partner-document pairs of its new events that no earlier event gave.
{{
    config(
        pre_hook=["{{ forget_atlas_build_when_rows_gone(
            [ref('bridge_event_participant'), ref('fct_event'), ref('dim_source_document')]) }}"],
        **incremental_config('partner_key', partition_column=None)
    )
}}

with partners as (

    select * from {{ ref('dim_partner') }}

),

documents as (

    select * from {{ ref('dim_source_document') }}

),

events as (

    select * from {{ ref('fct_event') }}

),

participants as (

    select * from {{ ref('bridge_event_participant') }}

),

{% if is_incremental() %}
-- An increment's pairs are few: they are matched by their keys, and a pair that an earlier
-- event of the partner already gave is not new.
new_pairs as (

    select distinct participants.partner_key, events.document_key
    from participants
    inner join events
        on participants.event_key = events.event_key
    {{ since_atlas_build('participants._loaded_at') }}

),

earlier_pairs as (

    select distinct new_pairs.partner_key, new_pairs.document_key
    from new_pairs
    inner join events
        on new_pairs.document_key = events.document_key
    inner join participants
        on events.event_key = participants.event_key
        and new_pairs.partner_key = participants.partner_key
    where participants._loaded_at <= (select max(_built_through) from {{ this }})

),

added as (

    select partner_key, document_key from new_pairs
    except
    select partner_key, document_key from earlier_pairs

),

candidates as (

    select partner_key, document_key, total
    from {{ this }}
    where partner_key in (select partner_key from added)
    union all
    select partner_key, document_key, 0 as total
    from added

),

dated as (

    select
        candidates.partner_key,
        candidates.document_key,
        coalesce(documents.published_on, cast('0001-01-01' as date)) as published_on_or_first,
        documents.document_id
    from candidates
    inner join documents
        on candidates.document_key = documents.document_key

),

latest as (

    {{ latest_per_group('dated', 'partner_key',
        ['document_key', 'published_on_or_first', 'document_id'],
        ['published_on_or_first', 'document_id'], 100) }}

),

totals as (

    select partner_key, max(total) + count(*) filter (where total = 0) as total
    from candidates
    group by partner_key

),

{% else %}
-- A full build's pairs are de-duplicated by numbers, not by the 32-character surrogate keys:
-- at 10M events there are 20M, and their keys' union does not fit under the pipeline's memory
-- cap (bench/README.md, "10M events after the atlas became models").
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

event_documents as (

    select events.event_key, document_numbers.document_number
    from events
    inner join document_numbers
        on events.document_key = document_numbers.document_key

),

pairs as (

    select distinct partner_numbers.partner_number, event_documents.document_number
    from participants
    inner join event_documents
        on participants.event_key = event_documents.event_key
    inner join partner_numbers
        on participants.partner_key = partner_numbers.partner_key

),

dated as (

    select
        pairs.partner_number,
        pairs.document_number,
        document_numbers.published_on_or_first,
        document_numbers.document_id
    from pairs
    inner join document_numbers
        on pairs.document_number = document_numbers.document_number

),

ranked as (

    {{ latest_per_group('dated', 'partner_number', ['document_number'],
        ['published_on_or_first', 'document_id'], 100) }}

),

latest as (

    select
        partner_numbers.partner_key,
        document_numbers.document_key,
        document_numbers.published_on_or_first,
        document_numbers.document_id
    from ranked
    inner join partner_numbers
        on ranked.partner_number = partner_numbers.partner_number
    inner join document_numbers
        on ranked.document_number = document_numbers.document_number

),

totals as (

    select partner_numbers.partner_key, count(*) as total
    from pairs
    inner join partner_numbers
        on pairs.partner_number = partner_numbers.partner_number
    group by partner_numbers.partner_key

),
{% endif %}

final as (

    select
        latest.partner_key,
        latest.document_key,
        latest.published_on_or_first,
        latest.document_id,
        cast(totals.total as {{ dbt.type_bigint() }}) as total,
        {{ atlas_build_marks(
            [ref('bridge_event_participant'), ref('fct_event'), ref('dim_source_document')]) }}
    from latest
    inner join totals
        on latest.partner_key = totals.partner_key

)

select * from final
