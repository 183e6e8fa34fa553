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

-- Pairs are de-duplicated by numbers, not by the 32-character surrogate keys: at 10M events
-- a full build has 20M pairs, and their keys' union does not fit under the pipeline's memory
-- cap (bench/README.md, "10M events after the atlas became models"). The numbers hold within
-- one build only: the rows kept between builds carry keys.
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

new_pairs as (

    select distinct partner_numbers.partner_number, event_documents.document_number
    from participants
    inner join event_documents
        on participants.event_key = event_documents.event_key
    inner join partner_numbers
        on participants.partner_key = partner_numbers.partner_key
    {{ since_atlas_build('participants._loaded_at') }}

),

{% if is_incremental() %}
-- the new pairs that an earlier event already gave are not new
earlier_pairs as (

    select distinct new_pairs.partner_number, new_pairs.document_number
    from new_pairs
    inner join event_documents
        on new_pairs.document_number = event_documents.document_number
    inner join participants
        on event_documents.event_key = participants.event_key
    inner join partner_numbers
        on participants.partner_key = partner_numbers.partner_key
        and new_pairs.partner_number = partner_numbers.partner_number
    where participants._loaded_at <= (select max(_built_through) from {{ this }})

),

kept as (

    select partner_numbers.partner_number, document_numbers.document_number, built.total
    from {{ this }} as built
    inner join partner_numbers
        on built.partner_key = partner_numbers.partner_key
    inner join document_numbers
        on built.document_key = document_numbers.document_key

),
{% endif %}

added as (

    select partner_number, document_number from new_pairs
    {% if is_incremental() %}
    except
    select partner_number, document_number from earlier_pairs
    {% endif %}

),

candidates as (

    {% if is_incremental() %}
    select partner_number, document_number
    from kept
    where partner_number in (select partner_number from added)
    union all
    {% endif %}
    select partner_number, document_number
    from added

),

dated as (

    select
        candidates.partner_number,
        candidates.document_number,
        document_numbers.published_on_or_first,
        document_numbers.document_id
    from candidates
    inner join document_numbers
        on candidates.document_number = document_numbers.document_number

),

latest as (

    {{ latest_per_group('dated', 'partner_number', ['document_number'],
        ['published_on_or_first', 'document_id'], 100) }}

),

counted as (

    select partner_number, count(*) as total
    from added
    group by partner_number
    {% if is_incremental() %}
    union all
    select partner_number, max(total) as total
    from kept
    where partner_number in (select partner_number from added)
    group by partner_number
    {% endif %}

),

totals as (

    select partner_number, sum(total) as total
    from counted
    group by partner_number

),

final as (

    select
        partner_numbers.partner_key,
        document_numbers.document_key,
        document_numbers.published_on_or_first,
        document_numbers.document_id,
        cast(totals.total as {{ dbt.type_bigint() }}) as total,
        {{ atlas_build_marks(
            [ref('bridge_event_participant'), ref('fct_event'), ref('dim_source_document')]) }}
    from latest
    inner join totals
        on latest.partner_number = totals.partner_number
    inner join partner_numbers
        on latest.partner_number = partner_numbers.partner_number
    inner join document_numbers
        on latest.document_number = document_numbers.document_number

)

select * from final
