"""The ground floor: helpers every app may import (text, dates, money, Excel, query-string
parameters, form widgets, the rules' errors in words, template filters). It imports only the
rules package and Django, never another AnSinh app."""
