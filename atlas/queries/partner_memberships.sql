-- Atlas partner pages, table "Memberships": the organisations and programmes each partner
-- belongs or belonged to, and those of which it is the organisation (its members), with
-- the source document, its 4x4 grade and handling code.
with partners as (

    select * from marts.dim_partner

),

memberships as (

    select * from marts.fct_membership

),

documents as (

    select * from marts.dim_source_document

),

sides as (

    select
        member_partner_key as partner_key,
        organisation_partner_key as other_partner_key,
        'member of' as relation,
        memberships.*
    from memberships
    union all
    select
        organisation_partner_key as partner_key,
        member_partner_key as other_partner_key,
        'has member' as relation,
        memberships.*
    from memberships

),

final as (

    select
        partners.partner_id,
        sides.relation,
        other.partner_name as other_partner_name,
        other.partner_id as other_partner_id,
        sides.membership_role,
        sides.valid_from,
        sides.valid_to,
        documents.url as source_url,
        documents.evaluation_code,
        documents.handling_code,
        count(*) over (partition by partners.partner_id) as total
    from sides
    inner join partners
        on sides.partner_key = partners.partner_key
    inner join partners as other
        on sides.other_partner_key = other.partner_key
    left join documents
        on sides.document_key = documents.document_key
    qualify row_number() over (
        partition by partners.partner_id
        order by sides.valid_from desc, other.partner_name
    ) <= 200

)

select * from final
order by partner_id, relation desc, valid_from desc, other_partner_name
