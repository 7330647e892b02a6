-- The playbook row each customer gets: among the playbook rows of the customer's
-- segments (one per playbook segment type), the lowest `priority` wins; on equal
-- priority the segment type earlier in playbook_segment_types() wins.
-- (doc block `playbook_precedence`)
{%- set playbook_types = playbook_segment_types() %}

with

assignments as (

    select * from {{ ref('int_customer_segment_values') }}

),

memberships as (

    -- the customer's segment of each playbook type, unpivoted here rather than
    -- read from int_segment_memberships: the plays (and customer_segments after
    -- them) then need not wait for the 14M-row long table and its key test
    -- (bench/README.md, "Incremental builds (stop 20)")
    {{ unpivot_segment_types('assignments', playbook_types) }}

),

playbook as (

    select * from {{ ref('segment_playbook') }}

),

candidates as (

    select
        memberships.customer_id,
        playbook.segment_type,
        playbook.segment_value,
        playbook.priority,
        case memberships.segment_type
            {%- for segment_type in playbook_types %}
                when '{{ segment_type }}' then {{ loop.index }}
            {%- endfor %}
        end as type_rank,
        playbook.play_id,
        playbook.action,
        playbook.message_theme,
        playbook.channel,
        playbook.offer
    from memberships
    inner join playbook
        on
            memberships.segment_type = playbook.segment_type
            and memberships.segment_value = playbook.segment_value

),

ranked as (

    select
        *,
        row_number() over (
            partition by customer_id order by priority, type_rank, segment_value
        ) as play_rank
    from candidates

)

select
    customer_id,
    segment_type,
    segment_value,
    priority,
    play_id,
    action,
    message_theme,
    channel,
    offer
from ranked
where play_rank = 1
