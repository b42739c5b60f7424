"""Day tallies of the orders, kept by triggers on PostgreSQL (bigscreen/tally.py); the big screen's figures of a
day read these few thousand rows instead of the day's orders. Ids are plain integers (street 0: none), as the
trigger writes them."""

from django.db import models


class StreetTally(models.Model):
    day = models.DateField()
    district_id = models.IntegerField()
    street_id = models.IntegerField()
    status = models.CharField(max_length=20)
    n = models.IntegerField()
    n_dispatched = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "district_id", "street_id", "status"],
                                               name="street_tally_key")]

    def __str__(self):
        return f"{self.day} {self.district_id}/{self.street_id} {self.status}: {self.n}"


class LeafTally(models.Model):
    """The day's originals (repeat_of empty) by district (0: the whole city) and catalog leaf."""

    day = models.DateField()
    district_id = models.IntegerField()
    catalog_item_id = models.IntegerField()
    n = models.IntegerField()
    n_dispatched = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "district_id", "catalog_item_id"],
                                               name="leaf_tally_key")]

    def __str__(self):
        return f"{self.day} {self.district_id} leaf {self.catalog_item_id}: {self.n}"
