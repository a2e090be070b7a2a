from django.db import models


class Audience(models.TextChoices):
    CHILDREN = "children", "下一级党组织"
    SUBTREE = "subtree", "全部下级党组织"
