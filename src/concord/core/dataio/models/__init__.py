from concord.core.dataio.models.job import FileFormat, ImportJob, ImportJobRecord, ImportStatus

__all__ = ["FileFormat", "ImportJob", "ImportJobRecord", "ImportStatus"]
