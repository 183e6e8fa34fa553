-- The atlas's partner pages, table "Memberships": the organisations and programmes each
-- partner belongs or belonged to, and those of which it is the organisation (its members),
-- the 200 latest, with the source document, its 4x4 grade and handling code.
with partners as (

    select * from {{ ref('dim_partner') }}

),

memberships as (

    select * from {{ ref('fct_membership') }}

),

documents as (

    select * from {{ ref('dim_source_document') }}

),

sides as (

    select
        member_partner_key as partner_key,
        organisation_partner_key as other_partner_key,
        'member of' as relation,
        membership_role,
        valid_from,
        valid_to,
        document_key
    from memberships
    union all
    select
        organisation_partner_key as partner_key,
        member_partner_key as other_partner_key,
        'has member' as relation,
        membership_role,
        valid_from,
        valid_to,
        document_key
    from memberships

),

ranked as (

    select
        sides.*,
        other.partner_name as other_partner_name,
        other.partner_id as other_partner_id,
        count(*) over (partition by sides.partner_key) as total,
        row_number() over (
            partition by sides.partner_key
            order by sides.valid_from desc, other.partner_name
        ) as membership_rank
    from sides
    inner join partners as other
        on sides.other_partner_key = other.partner_key

),

final as (

    select
        cast(partners.partner_id as {{ dbt.type_string() }}) as partner_id,
        cast(ranked.relation as {{ dbt.type_string() }}) as relation,
        cast(ranked.other_partner_name as {{ dbt.type_string() }}) as other_partner_name,
        cast(ranked.other_partner_id as {{ dbt.type_string() }}) as other_partner_id,
        cast(ranked.membership_role as {{ dbt.type_string() }}) as membership_role,
        ranked.valid_from,
        ranked.valid_to,
        cast(documents.url as {{ dbt.type_string() }}) as source_url,
        cast(documents.evaluation_code as {{ dbt.type_string() }}) as evaluation_code,
        cast(documents.handling_code as {{ dbt.type_string() }}) as handling_code,
        cast(ranked.total as {{ dbt.type_bigint() }}) as total
    from ranked
    inner join partners
        on ranked.partner_key = partners.partner_key
    left join documents
        on ranked.document_key = documents.document_key
    where ranked.membership_rank <= 200

)

select * from final
