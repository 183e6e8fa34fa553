{{
    config(
        on_schema_change='fail',
        pre_hook=[
            "{{ forget_verified_loads() }}",
            "{{ drop_rows_gone_upstream(ref('stg_curated__events'), ['event_id', '_loaded_at'],
                counted_in=ref('stg_curated__events')) }}",
        ],
        **incremental_config('event_key')
    )
}}

with events as (

    select * from {{ ref('stg_curated__events') }}
    {{ loaded_since_last_build() }}

),

final as (

    select
        -- keys
        cast({{ surrogate_key(['event_id']) }} as {{ dbt.type_string() }}) as event_key,
        cast(event_id as {{ dbt.type_string() }}) as event_id,
        cast(
            case when location_partner_id is not null
                then {{ surrogate_key(['location_partner_id']) }} end
            as {{ dbt.type_string() }}
        ) as location_partner_key,
        cast(
            case when agreement_id is not null then {{ surrogate_key(['agreement_id']) }} end
            as {{ dbt.type_string() }}
        ) as agreement_key,
        -- attributes
        cast(event_name as {{ dbt.type_string() }}) as event_name,
        cast(event_type as {{ dbt.type_string() }}) as event_type,
        cast(location_name as {{ dbt.type_string() }}) as location_name,
        -- dates
        cast(started_on as date) as started_on,
        cast(ended_on as date) as ended_on,
        cast(date_precision as {{ dbt.type_string() }}) as date_precision,
        -- grade: an inferred event carries its own accuracy, lower than its document's
        cast(is_inferred as {{ dbt.type_boolean() }}) as is_inferred,
        cast(information_accuracy as {{ dbt.type_int() }}) as information_accuracy,
        -- provenance
        cast({{ surrogate_key(['document_id']) }} as {{ dbt.type_string() }}) as document_key,
        cast(note as {{ dbt.type_string() }}) as note,
        cast(_source_file as {{ dbt.type_string() }}) as _source_file,
        cast(_source_line as {{ dbt.type_bigint() }}) as _source_line,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at
    from events

)

select * from final
