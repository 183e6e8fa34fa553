with memberships as (

    select * from {{ ref('stg_curated__memberships') }}

),

final as (

    select
        -- keys
        cast(
            {{ surrogate_key(['organisation_partner_id', 'member_partner_id', 'valid_from']) }}
            as {{ dbt.type_string() }}
        ) as membership_key,
        cast({{ surrogate_key(['organisation_partner_id']) }} as {{ dbt.type_string() }})
            as organisation_partner_key,
        cast({{ surrogate_key(['member_partner_id']) }} as {{ dbt.type_string() }})
            as member_partner_key,
        -- attributes
        cast(membership_role as {{ dbt.type_string() }}) as membership_role,
        -- dates: valid_to is exclusive and empty while the membership lasts
        cast(valid_from as date) as valid_from,
        cast(valid_from_precision as {{ dbt.type_string() }}) as valid_from_precision,
        cast(valid_to as date) as valid_to,
        -- provenance
        cast({{ surrogate_key(['document_id']) }} as {{ dbt.type_string() }}) as document_key,
        cast(note as {{ dbt.type_string() }}) as note,
        cast(_source_file as {{ dbt.type_string() }}) as _source_file,
        cast(_source_line as {{ dbt.type_bigint() }}) as _source_line
    from memberships

)

select * from final
