with spells as (

    select * from {{ ref('int_agreement_status_spells_derived') }}

),

final as (

    select
        -- keys
        cast({{ surrogate_key(['agreement_id', 'status']) }} as {{ dbt.type_string() }})
            as agreement_status_key,
        cast({{ surrogate_key(['agreement_id']) }} as {{ dbt.type_string() }}) as agreement_key,
        -- attributes
        cast(status as {{ dbt.type_string() }}) as status,
        -- dates: valid_to is exclusive and empty for the latest known status
        cast(valid_from as date) as valid_from,
        cast(valid_to as date) as valid_to,
        cast(is_valid_from_inferred as {{ dbt.type_boolean() }}) as is_valid_from_inferred,
        -- flags
        cast(valid_to is null as {{ dbt.type_boolean() }}) as is_latest_known
    from spells

)

select * from final
