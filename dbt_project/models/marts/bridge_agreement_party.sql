with parties as (

    select * from {{ ref('stg_curated__agreement_parties') }}

),

final as (

    select
        -- keys
        cast({{ surrogate_key(['agreement_id']) }} as {{ dbt.type_string() }}) as agreement_key,
        cast({{ surrogate_key(['partner_id']) }} as {{ dbt.type_string() }}) as partner_key,
        -- attributes
        cast(party_role as {{ dbt.type_string() }}) as party_role,
        -- provenance
        cast(_source_file as {{ dbt.type_string() }}) as _source_file,
        cast(_source_line as {{ dbt.type_bigint() }}) as _source_line
    from parties

)

select * from final
