-- One row per mention the linker found in a landed document: a partner, a threat or a date,
-- with its place in the document's text and how sure the linker is.
with mentions as (

    select * from {{ ref('stg_linking__document_mentions') }}

),

final as (

    select
        -- keys
        cast({{ surrogate_key(['document_id', 'mention_ordinal']) }} as {{ dbt.type_string() }})
            as document_mention_key,
        cast({{ surrogate_key(['document_id']) }} as {{ dbt.type_string() }}) as document_key,
        cast(
            case when mention_kind = 'partner' then {{ surrogate_key(['mention_id']) }} end
            as {{ dbt.type_string() }}
        ) as partner_key,
        cast(
            case when mention_kind = 'threat' then {{ surrogate_key(['mention_id']) }} end
            as {{ dbt.type_string() }}
        ) as threat_key,
        -- what was mentioned
        cast(mention_kind as {{ dbt.type_string() }}) as mention_kind,
        cast(mention_id as {{ dbt.type_string() }}) as mention_id,
        cast(case when mention_kind = 'date' then mention_id end as date) as mentioned_on,
        cast(date_precision as {{ dbt.type_string() }}) as date_precision,
        -- who does what (partners only): actor, place of the cooperation, or other
        cast(role as {{ dbt.type_string() }}) as role,
        -- where: character offsets in the document's text (end exclusive)
        cast(mention_ordinal as {{ dbt.type_int() }}) as mention_ordinal,
        cast(start_offset as {{ dbt.type_int() }}) as start_offset,
        cast(end_offset as {{ dbt.type_int() }}) as end_offset,
        cast(surface as {{ dbt.type_string() }}) as surface,
        -- how it was found
        cast(method as {{ dbt.type_string() }}) as method,
        cast(confidence as {{ dbt.type_float() }}) as confidence,
        cast(gazetteer_version as {{ dbt.type_string() }}) as gazetteer_version
    from mentions

)

select * from final
