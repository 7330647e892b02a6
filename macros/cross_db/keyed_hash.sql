{#-
    A keyed hash for matching customers in other tools without the raw value:
    hex SHA-256 of `<salt>|<value>`, the salt a secret from the env var
    CUSTOMER_HASH_SALT (README, "Matching customers in other tools"). Without the
    salt the hash is NULL: an unsalted hash of an e-mail is reversible by
    hashing a list of e-mails. The salt is checked before it is spliced into SQL
    (dbt has no bind parameters for models), so it cannot break out of its string.
-#}
{% macro hash_salt() -%}
    {%- set salt = env_var('CUSTOMER_HASH_SALT', '') -%}
    {%- if salt and not modules.re.fullmatch('[A-Za-z0-9+/=_.~-]{16,256}', salt) -%}
        {{ exceptions.raise_compiler_error("env var CUSTOMER_HASH_SALT is invalid: expected 16-256 characters from A-Z a-z 0-9 + / = _ . ~ - (e.g. the output of `openssl rand -base64 32`)") }}
    {%- endif -%}
    {{- return(salt) -}}
{%- endmacro %}

{% macro keyed_hash(expression) -%}
    {%- set salt = customer_segmentation.hash_salt() -%}
    {%- if not salt -%}
        cast(null as {{ dbt.type_string() }})
    {%- else -%}
        {{ return(adapter.dispatch('keyed_hash', 'customer_segmentation')(expression, salt)) }}
    {%- endif -%}
{%- endmacro %}

{% macro default__keyed_hash(expression, salt) -%}
    sha256('{{ salt }}|' || {{ expression }})
{%- endmacro %}

{% macro postgres__keyed_hash(expression, salt) -%}
    encode(sha256(convert_to('{{ salt }}|' || {{ expression }}, 'UTF8')), 'hex')
{%- endmacro %}

{% macro spark__keyed_hash(expression, salt) -%}
    sha2(concat('{{ salt }}|', {{ expression }}), 256)
{%- endmacro %}
