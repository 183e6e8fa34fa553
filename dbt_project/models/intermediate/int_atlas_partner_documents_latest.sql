-- The 100 latest documents (by publication day, then id) behind each partner's events, with
-- how many documents its events cite (`total`); partner_documents adds the few that its
-- agreements and memberships cite. Kept between builds on DuckDB
-- (macros/atlas_incremental.sql): an increment ranks each touched partner's previous 100 with
-- the pairs its new events gave. A changed document (its day, its id) starts it over.
{{
    config(
        pre_hook=["{{ forget_atlas_build_when_rows_gone([ref('bridge_event_participant'),
            ref('fct_event'), ref('dim_source_document')]) }}"],
        **incremental_config('partner_number', partition_column=None)
    )
}}

with pairs as (

    select * from {{ ref('int_atlas_partner_event_document_pairs') }}
    -- the pairs appended since this model's last build (every later load is newer)
    {{ loaded_since_last_build(column='_built_through', through='_built_through') }}

),

documents as (

    select * from {{ ref('dim_source_document') }}

),

new_pairs as (

    select
        pairs.partner_number,
        pairs.document_number,
        coalesce(documents.published_on, cast('0001-01-01' as date)) as published_on_or_first,
        documents.document_id
    from pairs
    inner join documents
        on pairs.document_number = {{ key_number('documents.document_key') }}

),

{{ kept_latest('new_pairs', 'partner_number',
    ['document_number', 'published_on_or_first', 'document_id'],
    ['published_on_or_first', 'document_id'], 100,
    [ref('bridge_event_participant'), ref('fct_event'), ref('dim_source_document')]) }}

select * from final
