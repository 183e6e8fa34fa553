-- depends_on: {{ ref('fct_event') }}
{{
    config(
        on_schema_change='fail',
        pre_hook=[
            "{{ forget_verified_loads() }}",
            "{{ drop_rows_gone_upstream(ref('fct_event'), ['event_key', '_loaded_at'],
                counted_in=ref('stg_curated__event_threats')) }}",
        ],
        **incremental_config('event_key')
    )
}}

with event_threats as (

    select * from {{ ref('stg_curated__event_threats') }}
    {{ loaded_since_last_build() }}

),

final as (

    select
        -- keys
        cast({{ surrogate_key(['event_id']) }} as {{ dbt.type_string() }}) as event_key,
        cast({{ surrogate_key(['threat_id']) }} as {{ dbt.type_string() }}) as threat_key,
        -- provenance
        cast(_source_file as {{ dbt.type_string() }}) as _source_file,
        cast(_source_line as {{ dbt.type_bigint() }}) as _source_line,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at
    from event_threats

)

select * from final
