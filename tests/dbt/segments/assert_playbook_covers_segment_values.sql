-- Every value of a playbook segment type seen in segment_memberships has a row in
-- the segment_playbook seed (a new RFM segment, stage, tier or persona must get a
-- play before it reaches the marts). Returns the uncovered values.
{%- set playbook_types = playbook_segment_types() %}

select distinct
    memberships.segment_type,
    memberships.segment_value
from {{ ref('segment_memberships') }} as memberships
left join {{ ref('segment_playbook') }} as playbook
    on
        memberships.segment_type = playbook.segment_type
        and memberships.segment_value = playbook.segment_value
where
    memberships.segment_type in (
        '{{ playbook_types | join("', '") }}'
    )
    and playbook.segment_type is null
