"""Money and currencies: ``Money`` amounts, ISO 4217 minor units, formatting, exchange rates.

Pure helpers live in ``money``, ``currencies``, ``formatting`` and ``fields``; exchange rates are the
``ExchangeRate`` model with ``services.exchange_rate_set`` and ``queries.exchange_rate_on`` /
``queries.convert``.
"""
