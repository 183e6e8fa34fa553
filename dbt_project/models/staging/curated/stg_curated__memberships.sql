with source as (

    select * from {{ source('raw_curated', 'memberships') }}

),

renamed as (

    select
        -- contract columns, cast explicitly
        cast(organisation_partner_id as {{ dbt.type_string() }}) as organisation_partner_id,
        cast(member_partner_id as {{ dbt.type_string() }}) as member_partner_id,
        cast(membership_role as {{ dbt.type_string() }}) as membership_role,
        cast(valid_from as date) as valid_from,
        cast(valid_from_precision as {{ dbt.type_string() }}) as valid_from_precision,
        cast(valid_to as date) as valid_to,
        cast(document_id as {{ dbt.type_string() }}) as document_id,
        cast(note as {{ dbt.type_string() }}) as note,
        -- provenance added by the loader
        cast(_source_file as {{ dbt.type_string() }}) as _source_file,
        cast(_source_line as {{ dbt.type_bigint() }}) as _source_line,
        cast(_loaded_at as {{ dbt.type_timestamp() }}) as _loaded_at

    from source

)

select * from renamed
