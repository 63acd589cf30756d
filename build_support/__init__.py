"""Steps of the package build that setuptools does not know by itself."""
