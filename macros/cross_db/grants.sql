{#-
    Least-privilege access for BI tools (var `bi_role`, default bi_reader):
    SELECT on every mart table (the `grants` config on the marts folder in
    dbt_project.yml, re-applied by dbt whenever a table is rebuilt) plus USAGE on
    schema `marts` (on-run-end: dbt grants are table-level only). Nothing on raw,
    staging, intermediate, quarantine or reference, and no write privilege.
    On engines without SQL roles (DuckDB: access is the file; Spark session:
    no GRANT) every piece is a no-op.
-#}

{#- The role name, checked before it is spliced into SQL as an identifier. -#}
{% macro bi_role() -%}
    {%- set value = var('bi_role') | string -%}
    {%- if not modules.re.fullmatch('[a-z_][a-z0-9_]{0,62}', value) -%}
        {{ exceptions.raise_compiler_error("dbt var 'bi_role' = '" ~ value ~ "' is invalid: expected a lower-case SQL role name (letters, digits, _; e.g. bi_reader)") }}
    {%- endif -%}
    {{- return(value) -}}
{%- endmacro %}


{#- on-run-start: the role exists before dbt grants to it. Created NOLOGIN: an
    administrator decides who logs in as it (ALTER ROLE ... LOGIN PASSWORD, or
    GRANT bi_reader TO a user). -#}
{% macro create_bi_role() -%}
    {{ return(adapter.dispatch('create_bi_role', 'customer_segmentation')()) }}
{%- endmacro %}

{% macro default__create_bi_role() -%}
    select 1 as no_roles_on_this_engine
{%- endmacro %}

{% macro postgres__create_bi_role() -%}
    {%- set role = customer_segmentation.bi_role() -%}
    do $$
    begin
        if not exists (select from pg_catalog.pg_roles where rolname = '{{ role }}') then
            create role {{ adapter.quote(role) }} nologin;
        end if;
    end $$
{%- endmacro %}


{#- on-run-end: USAGE on schema marts, when this run built something there. -#}
{% macro grant_bi_schema_usage(built_schemas) -%}
    {{ return(adapter.dispatch('grant_bi_schema_usage', 'customer_segmentation')(built_schemas)) }}
{%- endmacro %}

{% macro default__grant_bi_schema_usage(built_schemas) -%}
    select 1 as no_roles_on_this_engine
{%- endmacro %}

{% macro postgres__grant_bi_schema_usage(built_schemas) -%}
    {%- if 'marts' in built_schemas -%}
        grant usage on schema {{ adapter.quote('marts') }} to {{ adapter.quote(customer_segmentation.bi_role()) }}
    {%- else -%}
        select 1 as marts_not_built
    {%- endif -%}
{%- endmacro %}


{#- dbt's own grant macros, silenced where the engine has no GRANT: dbt-duckdb
    warns on every run, dbt-spark's session mode fails on SHOW GRANTS. -#}
{% macro duckdb__apply_grants(relation, grant_config, should_revoke=True) -%}
{%- endmacro %}

{% macro spark__apply_grants(relation, grant_config, should_revoke=True) -%}
{%- endmacro %}
