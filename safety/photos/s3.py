"""Photos on S3-compatible object storage (AWS S3, MinIO, Aliyun OSS, Tencent COS): configuration only."""
from __future__ import annotations

import io
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import BinaryIO

from .storage import check_key


class S3Storage:
    """The PhotoStorage protocol over an S3 bucket, under an optional key prefix. Objects are private."""

    def __init__(self, bucket: str, *, prefix: str = "", endpoint_url: str | None = None, region: str | None = None,
                 access_key: str | None = None, secret_key: str | None = None):
        import boto3  # optional: installed with the "s3" extra
        from botocore.config import Config
        self.bucket, self.prefix = bucket, prefix.strip("/") + "/" if prefix.strip("/") else ""
        # Path-style addressing works with every S3-compatible server, not only AWS.
        self.client = boto3.client("s3", endpoint_url=endpoint_url, region_name=region,
                                   aws_access_key_id=access_key, aws_secret_access_key=secret_key,
                                   config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 5}))

    @classmethod
    def from_config(cls, config: Mapping) -> S3Storage:
        return cls(config["S3_BUCKET"], prefix=config.get("S3_PREFIX", ""), endpoint_url=config.get("S3_ENDPOINT_URL"),
                   region=config.get("S3_REGION"), access_key=config.get("S3_ACCESS_KEY"),
                   secret_key=config.get("S3_SECRET_KEY"))

    def _key(self, key: str) -> str:
        return self.prefix + check_key(key)

    def put(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data)  # atomic per object in S3

    def open(self, key: str) -> BinaryIO:
        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"]
        except self.client.exceptions.NoSuchKey:
            raise FileNotFoundError(key) from None
        return io.BytesIO(body.read())

    def exists(self, key: str) -> bool:
        try:
            self.size(key)
        except FileNotFoundError:
            return False
        return True

    def size(self, key: str) -> int:
        from botocore.exceptions import ClientError
        try:
            return self.client.head_object(Bucket=self.bucket, Key=self._key(key))["ContentLength"]
        except ClientError as error:
            if error.response["Error"]["Code"] in ("404", "NoSuchKey", "NotFound"):
                raise FileNotFoundError(key) from None
            raise

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def iter_keys(self, older_than: datetime | None = None) -> Iterator[str]:
        if older_than is not None and older_than.tzinfo is None:
            raise ValueError("older_than must be aware")
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self.prefix):
            for item in page.get("Contents", []):
                if older_than is None or item["LastModified"] < older_than:
                    yield item["Key"][len(self.prefix):]
