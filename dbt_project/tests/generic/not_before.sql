{#- An end date never precedes its start date (either may be unknown). -#}
{% test not_before(model, column_name, start_column) %}
select *
from {{ model }}
where {{ column_name }} is not null
  and {{ start_column }} is not null
  and {{ column_name }} < {{ start_column }}
{% endtest %}
