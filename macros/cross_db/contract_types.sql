{#-
    One yml for every target: contracts declare types in the spelling DuckDB and
    PostgreSQL share (`varchar`, `double precision`, `integer`, `decimal(18,2)`).
    dbt checks a contract by running `select cast(null as <data_type>) ...` on the
    target and comparing the column types it gets with the model's; Spark has no
    `varchar` without a length and no `double precision`, so on Spark each
    declared type is first translated to its Spark name (spark_data_type). The
    comparison itself is unchanged: both sides are types Spark reports.
-#}
{% macro spark__get_empty_schema_sql(columns) %}
    {%- set translated = {} -%}
    {%- for name in columns -%}
        {%- set column = columns[name] -%}
        {%- if column.get('data_type') is not none -%}
            {%- do translated.update({name: dict(column, data_type=customer_segmentation.spark_data_type(column['data_type']))}) -%}
        {%- else -%}
            {%- do translated.update({name: column}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(dbt.default__get_empty_schema_sql(translated)) }}
{% endmacro %}

{#- Spark name of a PostgreSQL/DuckDB type spelling; other types pass unchanged. -#}
{% macro spark_data_type(data_type) -%}
    {%- set normalised = data_type | trim | lower -%}
    {%- set aliases = {
        'varchar': 'string', 'text': 'string', 'character varying': 'string',
        'double precision': 'double', 'float8': 'double',
        'real': 'float', 'float4': 'float',
        'integer': 'int', 'int4': 'int', 'int8': 'bigint', 'int2': 'smallint',
        'bool': 'boolean', 'timestamptz': 'timestamp',
        'timestamp with time zone': 'timestamp', 'timestamp without time zone': 'timestamp'
    } -%}
    {%- set numeric = modules.re.fullmatch('numeric\s*(\(.*\))', normalised) -%}
    {%- if normalised in aliases -%}
        {{ return(aliases[normalised]) }}
    {%- elif numeric -%}
        {{ return('decimal' ~ numeric.group(1)) }}
    {%- else -%}
        {{ return(data_type) }}
    {%- endif -%}
{%- endmacro %}
