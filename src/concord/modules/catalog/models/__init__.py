from concord.modules.catalog.models.category import CATEGORY_PATH_SEPARATOR, Category
from concord.modules.catalog.models.product import Product, ProductKind
from concord.modules.catalog.models.uom import GLOBAL_UOM_NAMES, Uom, UomCategory, UomCategoryCode

__all__ = [
    "CATEGORY_PATH_SEPARATOR",
    "GLOBAL_UOM_NAMES",
    "Category",
    "Product",
    "ProductKind",
    "Uom",
    "UomCategory",
    "UomCategoryCode",
]
