-- Every partner-document pair its events give (a partner took part in an event that the
-- document states), once, by numbers: the atlas's partner documents de-duplicate and rank
-- these. Kept between builds on DuckDB (macros/atlas_incremental.sql): an increment appends
-- the pairs of its new events that no earlier event gave, probing this table's numbers, not
-- the 20M-row bridge by its string keys (bench/README.md, "Issue 30's increment").
{{
    config(
        pre_hook=["{{ forget_atlas_build_when_rows_gone(
            [ref('bridge_event_participant'), ref('fct_event')]) }}"],
        materialized='table' if target.type == 'spark' else 'incremental',
        incremental_strategy='append',
    )
}}

with events as (

    select * from {{ ref('fct_event') }}

),

participants as (

    select * from {{ ref('bridge_event_participant') }}
    -- an event's participants come from its own line, loaded with it
    {{ loaded_since_last_build(through='_built_through') }}

),

new_pairs as (

    select distinct
        {{ key_number('participants.partner_key') }} as partner_number,
        {{ key_number('events.document_key') }} as document_number
    from participants
    inner join events
        on participants.event_key = events.event_key

),

{% if is_incremental() %}
given_before as (

    select kept.partner_number, kept.document_number
    from {{ this }} as kept
    inner join new_pairs
        on kept.partner_number = new_pairs.partner_number
        and kept.document_number = new_pairs.document_number

),
{% endif %}

added as (

    select partner_number, document_number from new_pairs
    {% if is_incremental() %}
    except
    select partner_number, document_number from given_before
    {% endif %}

),

final as (

    select
        partner_number,
        document_number,
        {{ atlas_build_marks([ref('bridge_event_participant'), ref('fct_event')]) }}
    from added

)

select * from final
