"""Imports every table module so that `Base.metadata` holds the whole schema."""

from commerce import models as commerce_models
from kernel import models as kernel_models
from kernel.db import Base
from moderation import models as moderation_models

metadata = Base.metadata

__all__ = ["commerce_models", "kernel_models", "metadata", "moderation_models"]
