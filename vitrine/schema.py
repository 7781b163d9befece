"""Imports every table module so that `Base.metadata` holds the whole schema."""

from commerce import models as commerce_models
from moderation import models as moderation_models
from vitrine import models as kernel_models
from vitrine.db import Base

metadata = Base.metadata

__all__ = ["commerce_models", "kernel_models", "metadata", "moderation_models"]
