"""abide.geo: offline place names and coordinates (the GeoNames gazetteer). No Django here.

from abide.geo.gazetteer import Gazetteer
gazetteer = Gazetteer()
gazetteer.resolve("Ստեփանակերտ")  # Place(name="Khankendi", country_code="AZ", ...)
"""
