from concord.core.money.models.exchange_rate import ExchangeRate, RateSource

__all__ = ["ExchangeRate", "RateSource"]
