-- The mapping seed maps every one of the 125 RFM cells (scores 1..5 each) to
-- exactly one segment, and every segment is a known label. Returns offending rows.
with

scores as (

    select 1 as score
    union all
    select 2
    union all
    select 3
    union all
    select 4
    union all
    select 5

),

cells as (

    select
        r.score as r_score,
        f.score as f_score,
        m.score as m_score
    from scores as r
    cross join scores as f
    cross join scores as m

),

segment_map as (

    select * from {{ ref('rfm_segment_map') }}

),

mapped as (

    select
        cells.r_score,
        cells.f_score,
        cells.m_score,
        count(segment_map.rfm_segment) as segments
    from cells
    left join segment_map
        on
            cells.r_score = segment_map.r_score
            and cells.f_score = segment_map.f_score
            and cells.m_score = segment_map.m_score
    group by cells.r_score, cells.f_score, cells.m_score

),

bad_cells as (

    select
        r_score,
        f_score,
        m_score,
        'cell mapped to ' || cast(segments as {{ dbt.type_string() }}) || ' segments' as problem
    from mapped
    where segments != 1

),

out_of_range as (

    select
        r_score,
        f_score,
        m_score,
        'score outside 1..5' as problem
    from segment_map
    where
        r_score not between 1 and 5
        or f_score not between 1 and 5
        or m_score not between 1 and 5

),

unknown_labels as (

    select
        segment_map.r_score,
        segment_map.f_score,
        segment_map.m_score,
        'unknown segment ' || coalesce(segment_map.rfm_segment, 'NULL') as problem
    from segment_map
    left join {{ ref('rfm_segment_labels') }} as labels
        on segment_map.rfm_segment = labels.rfm_segment
    where labels.rfm_segment is null

)

select * from bad_cells
union all
select * from out_of_range
union all
select * from unknown_labels
