"""The catalog: products (goods, services, consumables), categories, units of measure and prices.

Decisions:
- Units of measure are shared reference data (like currencies): ``UomCategory`` and the seeded ``Uom``
  rows (pc, dozen, box12, kg, g, l, ml, m, cm, h) have no company and are seeded by a data migration.
  A company may add its own units ("box24"), which only it sees; a category's reference unit is always
  a shared one. ``units.uom_convert`` refuses units of different categories (``UomMismatchError``).
- Default taxes: the catalog keeps no tax table. Accounting will own taxes and the product-to-tax link
  and answer through the provider hook in ``taxes.py``; ``facade.product_default_taxes`` asks it.
- Other modules use ``facade`` only (``product_get`` -> ``ProductInfo``, ``uom_convert``,
  ``price_for_uom``, ``product_default_taxes``).
"""
