# DO NOT modify this file by hand, changes will be overwritten
from dataclasses import dataclass

from cloudformation_cli_python_lib.interface import (
    BaseModel,
    BaseResourceHandlerRequest,
)
from cloudformation_cli_python_lib.recast import recast_object
from cloudformation_cli_python_lib.utils import deserialize_list

import sys
from inspect import getmembers, isclass
from typing import (
    AbstractSet,
    Any,
    Generic,
    Mapping,
    MutableMapping,
    Optional,
    Sequence,
    Type,
    TypeVar,
)

T = TypeVar("T")


def set_or_none(value: Optional[Sequence[T]]) -> Optional[AbstractSet[T]]:
    if value:
        return set(value)
    return None


@dataclass
class ResourceHandlerRequest(BaseResourceHandlerRequest):
    # pylint: disable=invalid-name
    desiredResourceState: Optional["ResourceModel"]
    previousResourceState: Optional["ResourceModel"]
    typeConfiguration: Optional["TypeConfigurationModel"]


@dataclass
class ResourceModel(BaseModel):
    ModelPackageArn: Optional[str]
    ModelPackageName: Optional[str]
    ModelPackageGroupName: Optional[str]
    ModelPackageVersion: Optional[int]
    ModelPackageDescription: Optional[str]
    ModelPackageStatus: Optional[str]
    ModelPackageStatusDetails: Optional["_ModelPackageStatusDetails"]
    ModelPackageRegistrationType: Optional[str]
    InferenceSpecification: Optional["_InferenceSpecification"]
    AdditionalInferenceSpecifications: Optional[Sequence["_AdditionalInferenceSpecificationDefinition"]]
    AdditionalInferenceSpecificationsToAdd: Optional[Sequence["_AdditionalInferenceSpecificationDefinition"]]
    ValidationSpecification: Optional["_ValidationSpecification"]
    SourceAlgorithmSpecification: Optional["_SourceAlgorithmSpecification"]
    CertifyForMarketplace: Optional[bool]
    ModelApprovalStatus: Optional[str]
    ApprovalDescription: Optional[str]
    MetadataProperties: Optional["_MetadataProperties"]
    ModelMetrics: Optional["_ModelMetrics"]
    ClientToken: Optional[str]
    Domain: Optional[str]
    Task: Optional[str]
    SamplePayloadUrl: Optional[str]
    CustomerMetadataProperties: Optional[MutableMapping[str, str]]
    DriftCheckBaselines: Optional["_DriftCheckBaselines"]
    SkipModelValidation: Optional[str]
    SourceUri: Optional[str]
    SecurityConfig: Optional["_SecurityConfig"]
    ModelCard: Optional["_ModelCard"]
    ModelLifeCycle: Optional["_ModelLifeCycle"]
    ManagedStorageType: Optional[str]
    CreationTime: Optional[str]
    LastModifiedTime: Optional[str]
    Tags: Optional[Sequence["_Tag"]]

    @classmethod
    def _deserialize(
        cls: Type["_ResourceModel"],
        json_data: Optional[Mapping[str, Any]],
    ) -> Optional["_ResourceModel"]:
        if not json_data:
            return None
        dataclasses = {n: o for n, o in getmembers(sys.modules[__name__]) if isclass(o)}
        recast_object(cls, json_data, dataclasses)
        return cls(
            ModelPackageArn=json_data.get("ModelPackageArn"),
            ModelPackageName=json_data.get("ModelPackageName"),
            ModelPackageGroupName=json_data.get("ModelPackageGroupName"),
            ModelPackageVersion=json_data.get("ModelPackageVersion"),
            ModelPackageDescription=json_data.get("ModelPackageDescription"),
            ModelPackageStatus=json_data.get("ModelPackageStatus"),
            ModelPackageStatusDetails=ModelPackageStatusDetails._deserialize(json_data.get("ModelPackageStatusDetails")),
            ModelPackageRegistrationType=json_data.get("ModelPackageRegistrationType"),
            InferenceSpecification=InferenceSpecification._deserialize(json_data.get("InferenceSpecification")),
            AdditionalInferenceSpecifications=deserialize_list(json_data.get("AdditionalInferenceSpecifications"), AdditionalInferenceSpecificationDefinition),
            AdditionalInferenceSpecificationsToAdd=deserialize_list(json_data.get("AdditionalInferenceSpecificationsToAdd"), AdditionalInferenceSpecificationDefinition),
            ValidationSpecification=ValidationSpecification._deserialize(json_data.get("ValidationSpecification")),
            SourceAlgorithmSpecification=SourceAlgorithmSpecification._deserialize(json_data.get("SourceAlgorithmSpecification")),
            CertifyForMarketplace=json_data.get("CertifyForMarketplace"),
            ModelApprovalStatus=json_data.get("ModelApprovalStatus"),
            ApprovalDescription=json_data.get("ApprovalDescription"),
            MetadataProperties=MetadataProperties._deserialize(json_data.get("MetadataProperties")),
            ModelMetrics=ModelMetrics._deserialize(json_data.get("ModelMetrics")),
            ClientToken=json_data.get("ClientToken"),
            Domain=json_data.get("Domain"),
            Task=json_data.get("Task"),
            SamplePayloadUrl=json_data.get("SamplePayloadUrl"),
            CustomerMetadataProperties=json_data.get("CustomerMetadataProperties"),
            DriftCheckBaselines=DriftCheckBaselines._deserialize(json_data.get("DriftCheckBaselines")),
            SkipModelValidation=json_data.get("SkipModelValidation"),
            SourceUri=json_data.get("SourceUri"),
            SecurityConfig=SecurityConfig._deserialize(json_data.get("SecurityConfig")),
            ModelCard=ModelCard._deserialize(json_data.get("ModelCard")),
            ModelLifeCycle=ModelLifeCycle._deserialize(json_data.get("ModelLifeCycle")),
            ManagedStorageType=json_data.get("ManagedStorageType"),
            CreationTime=json_data.get("CreationTime"),
            LastModifiedTime=json_data.get("LastModifiedTime"),
            Tags=deserialize_list(json_data.get("Tags"), Tag),
        )


# work around possible type aliasing issues when variable has same name as a model
_ResourceModel = ResourceModel


@dataclass
class ModelPackageStatusDetails(BaseModel):
    ValidationStatuses: Optional[Sequence["_ModelPackageStatusItem"]]
    ImageScanStatuses: Optional[Sequence["_ModelPackageStatusItem"]]

    @classmethod
    def _deserialize(
        cls: Type["_ModelPackageStatusDetails"],
        json_data: Optional[Mapping[str, Any]],
    ) -> Optional["_ModelPackageStatusDetails"]:
        if not json_data:
            return None
        return cls(
            ValidationStatuses=deserialize_list(json_data.get("ValidationStatuses"), ModelPackageStatusItem),
            ImageScanStatuses=deserialize_list(json_data.get("ImageScanStatuses"), ModelPackageStatusItem),
        )


# work around possible type aliasing issues when variable has same name as a model
_ModelPackageStatusDetails = ModelPackageStatusDetails


@dataclass
class ModelPackageStatusItem(BaseModel):
    Name: Optional[str]
    Status: Optional[str]
    FailureReason: Optional[str]

    @classmethod
    def _deserialize(
        cls: Type["_ModelPackageStatusItem"],
        json_data: Optional[Mapping[str, Any]],
    ) -> Optional["_ModelPackageStatusItem"]:
        if not json_data:
            return None
        return cls(
            Name=json_data.get("Name"),
            Status=json_data.get("Status"),
            FailureReason=json_data.get("FailureReason"),
        )


# work around possible type aliasing issues when variable has same name as a model
_ModelPackageStatusItem = ModelPackageStatusItem


@dataclass
class InferenceSpecification(BaseModel):
    Containers: Optional[Sequence["_ModelPackageContainerDefinition"]]
    SupportedTransformInstanceTypes: Optional[Sequence[str]]
    SupportedRealtimeInferenceInstanceTypes: Optional[Sequence[str]]
    SupportedContentTypes: Optional[Sequence[str]]
    SupportedResponseMIMETypes: Optional[Sequence[str]]

    @classmethod
    def _deserialize(
        cls: Type["_InferenceSpecification"],
        json_data: Optional[Mapping[str, Any]],
    ) -> Optional["_InferenceSpecification"]:
        if not json_data:
            return None
        return cls(
            Containers=deserialize_list(json_data.get("Containers"), ModelPackageContainerDefinition),
            SupportedTransformInstanceTypes=json_data.get("SupportedTransformInstanceTypes"),
            SupportedRealtimeInferenceInstanceTypes=json_data.get("SupportedRealtimeInferenceInstanceTypes"),
            SupportedContentTypes=json_data.get("SupportedContentTypes"),
            SupportedResponseMIMETypes=json_data.get("SupportedResponseMIMETypes"),
        )


# work around possible type aliasing issues when variable has same name as a model
_InferenceSpecification = InferenceSpecification


@dataclass
class ModelPackageContainerDefinition(BaseModel):
    ContainerHostname: Optional[str]
    Image: Optional[str]
    ImageDigest: Optional[str]
    ModelDataUrl: Optional[str]
    ModelDataSource: Optional["_ModelDataSource"]
    ProductId: Optional[str]
    Environment: Optional[MutableMapping[str, str]]
    ModelInput: Optional["_ModelInput"]
    Framework: Optional[str]
    FrameworkVersion: Optional[str]
    NearestModelName: Optional[str]
    AdditionalModelDataSources: Optional[Sequence["_AdditionalModelDataSource"]]
    AdditionalS3DataSource: Optional["_AdditionalS3DataSource"]
    ModelDataETag: Optional[str]
    IsCheckpoint: Optional[bool]
    BaseModel: Optional["_HubBaseModel"]

    @classmethod
    def _deserialize(
        cls: Type["_ModelPackageContainerDefinition"],
        json_data: Optional[Mapping[str, Any]],
    ) -> Optional["_ModelPackageContainerDefinition"]:
        if not json_data:
            return None
        return cls(
            ContainerHostname=json_data.get("ContainerHostname"),
            Image=json_data.get("Image"),
            ImageDigest=json_data.get("ImageDigest"),
            ModelDataUrl=json_data.get("ModelDataUrl"),
            ModelDataSource=ModelDataSource._deserialize(json_data.get("ModelDataSource")),
            ProductId=json_data.get("ProductId"),
            Environment=json_data.get("Environment"),
            ModelInput=ModelInput._deserialize(json_data.get("ModelInput")),
            Framework=json_data.get("Framework"),
            FrameworkVersion=json_data.get("FrameworkVersion"),
            NearestModelName=json_data.get("NearestModelName"),
            AdditionalModelDataSources=deserialize_list(json_data.get("AdditionalModelDataSources"), AdditionalModelDataSource),
            AdditionalS3DataSource=AdditionalS3DataSource._deserialize(json_data.get("AdditionalS3DataSource")),
            ModelDataETag=json_data.get("ModelDataETag"),
            IsCheckpoint=json_data.get("IsCheckpoint"),
            BaseModel=HubBaseModel._deserialize(json_data.get("BaseModel")),
        )


# work around possible type aliasing issues when variable has same name as a model
_ModelPackageContainerDefinition = ModelPackageContainerDefinition


@dataclass
class ModelDataSource(BaseModel):
    S3DataSource: Optional["_S3ModelDataSource"]

    @classmethod
    def _deserialize(
        cls: Type["_ModelDataSource"],
        json_data: Optional[Mapping[str, Any]],
    ) -> Optional["_ModelDataSource"]:
        if not json_data:
            return None
        return cls(
            S3DataSource=S3ModelDataSource._deserialize(json_data.get("S3DataSource")),
        )


# work around possible type aliasing issues when variable has same name as a model
_ModelDataSource = ModelDataSource


@dataclass
class S3ModelDataSource(BaseModel):
    S3Uri: Optional[str]
    S3DataType: Optional[str]
    CompressionType: Optional[str]
    ModelAccessConfig: Optional["_ModelAccessConfig"]
    HubAccessConfig: Optional["_HubAccessConfig"]
    ManifestS3Uri: Optional[str]
    ETag: Optional[str]
    ManifestEtag: Optional[str]

    @classmethod
    def _deserialize(
        cls: Type["_S3ModelDataSource"],
        json_data: Optional[Mapping[str, Any]],
    ) -> Optional["_S3ModelDataSource"]:
        if not json_data:
            return None
        return cls(
            S3Uri=json_data.get("S3Uri"),
            S3DataType=json_data.get("S3DataType"),
            CompressionType=json_data.get("CompressionType"),
            ModelAccessConfig=ModelAccessConfig._deserialize(json_data.get("ModelAccessConfig")),
            HubAccessConfig=HubAccessConfig._deserialize(json_data.get("HubAccessConfig")),
            ManifestS3Uri=json_data.get("ManifestS3Uri"),
            ETag=json_data.get("ETag"),
            ManifestEtag=json_data.get("ManifestEtag"),
        )


# work around possible type aliasing issues when variable has same name as a model
_S3ModelDataSource = S3ModelDataSource


@dataclass
class ModelAccessConfig(BaseModel):
    AcceptEula: Optional[bool]

    @classmethod
    def _deserialize(
        cls: Type["_ModelAccessConfig"],
        json_data: Optional[Mapping[str, Any]],
    ) -> Optional["_ModelAccessConfig"]:
        if not json_data:
            return None
        return cls(
            AcceptEula=json_data.get("AcceptEula"),
        )


# work around possible type aliasing issues when variable has same name as a model
_ModelAccessConfig = ModelAccessConfig


@dataclass
class HubAccessConfig(BaseModel):
    HubContentArn: Optional[str]

    @classmethod
    def _deserialize(
        cls: Type["_HubAccessConfig"],
        json_data: Optional[Mapping[str, Any]],
    ) -> Optional["_HubAccessConfig"]:
        if not json_data:
            return None
        return cls(
            HubContentArn=json_data.get("HubContentArn"),
        )


# work around possible type aliasing issues when variable has same name as a model
_HubAccessConfig = HubAccessConfig


@dataclass
class ModelInput(BaseModel):
    DataInputConfig: Optional[str]

    @classmethod
    def _deserialize(
        cls: Type["_ModelInput"],
        json_data: Optional[Mapping[str, Any]],
    ) -> Optional["_ModelInput"]:
        if not json_data:
            return None
        return cls(
            DataInputConfig=json_data.get("DataInputConfig"),
        )


# work around possible type aliasing issues when variable has same name as a model
_ModelInput = ModelInput


@dataclass
class AdditionalModelDataSource(BaseModel):
    ChannelName: Optional[str]
    S3DataSource: Optional["_S3ModelDataSource"]

    @classmethod
    def _deserialize(
        cls: Type["_AdditionalModelDataSource"],
        json_data: Optional[Mapping[str, Any]],
    ) -> Optional["_AdditionalModelDataSource"]:
        if not json_data:
            return None
        return cls(
            ChannelName=json_data.get("ChannelName"),
            S3DataSource=S3ModelDataSource._deserialize(json_data.get("S3DataSource")),
        )


# work around possible type aliasing issues when variable has same name as a model
_AdditionalModelDataSource = AdditionalModelDataSource


@dataclass
class AdditionalS3DataSource(BaseModel):
    S3DataType: Optional[str]
    S3Uri: Optional[str]
    CompressionType: Optional[str]
    ETag: Optional[str]

    @classmethod
    def _deserialize(
        cls: Type["_AdditionalS3DataSource"],
        json_data: Optional[Mapping[str, Any]],
    ) -> Optional["_AdditionalS3DataSource"]:
        if not json_data:
            return None
        return cls(
            S3DataType=json_data.get("S3DataType"),
            S3Uri=json_data.get("S3Uri"),
            CompressionType=json_data.get("CompressionType"),
            ETag=json_data.get("ETag"),
        )


# work around possible type aliasing issues when variable has same name as a model
_AdditionalS3DataSource = AdditionalS3DataSource


@dataclass
class HubBaseModel(BaseModel):
    HubContentName: Optional[str]
    HubContentVersion: Optional[str]
    RecipeName: Optional[str]

    @classmethod
    def _deserialize(
        cls: Type["_HubBaseModel"],
        json_data: Optional[Mapping[str, Any]],
    ) -> Optional["_HubBaseModel"]:
        if not json_data:
            return None
        return cls(
            HubContentName=json_data.get("HubContentName"),
            HubContentVersion=json_data.get("HubContentVersion"),
            RecipeName=json_data.get("RecipeName"),
        )


# work around possible type aliasing issues when variable has same name as a model
_HubBaseModel = HubBaseModel


@dataclass
class AdditionalInferenceSpecificationDefinition(BaseModel):
    Name: Optional[str]
    Description: Optional[str]
    Containers: Optional[Sequence["_ModelPackageContainerDefinition"]]
    SupportedTransformInstanceTypes: Optional[Sequence[str]]
    SupportedRealtimeInferenceInstanceTypes: Optional[Sequence[str]]
    SupportedContentTypes: Optional[Sequence[str]]
    SupportedResponseMIMETypes: Optional[Sequence[str]]

    @classmethod
    def _deserialize(
        cls: Type["_AdditionalInferenceSpecificationDefinition"],
        json_data: Optional[Mapping[str, Any]],
    ) -> Optional["_AdditionalInferenceSpecificationDefinition"]:
        if not json_data:
            return None
        return cls(
            Name=json_data.get("Name"),
            Description=json_data.get("Description"),
            Containers=deserialize_list(json_data.get("Containers"), ModelPackageContainerDefinition),
            SupportedTransformInstanceTypes=json_data.get("SupportedTransformInstanceTypes"),
            SupportedRealtimeInferenceInstanceTypes=json_data.get("SupportedRealtimeInferenceInstanceTypes"),
            SupportedContentTypes=json_data.get("SupportedContentTypes"),
            SupportedResponseMIMETypes=json_data.get("SupportedResponseMIMETypes"),
        )


# work around possible type aliasing issues when variable has same name as a model
_AdditionalInferenceSpecificationDefinition = AdditionalInferenceSpecificationDefinition


@dataclass
class ValidationSpecification(BaseModel):
    ValidationRole: Optional[str]
    ValidationProfiles: Optional[Sequence["_ValidationProfile"]]

    @classmethod
    def _deserialize(
        cls: Type["_ValidationSpecification"],
        json_data: Optional[Mapping[str, Any]],
    ) -> Optional["_ValidationSpecification"]:
        if not json_data:
            return None
        return cls(
            ValidationRole=json_data.get("ValidationRole"),
            ValidationProfiles=deserialize_list(json_data.get("ValidationProfiles"), ValidationProfile),
        )


# work around possible type aliasing issues when variable has same name as a model
_ValidationSpecification = ValidationSpecification


@dataclass
class ValidationProfile(BaseModel):
    ProfileName: Optional[str]
    TransformJobDefinition: Optional["_TransformJobDefinition"]

    @classmethod
    def _deserialize(
        cls: Type["_ValidationProfile"],
        json_data: Optional[Mapping[str, Any]],
    ) -> Optional["_ValidationProfile"]:
        if not json_data:
            return None
        return cls(
            ProfileName=json_data.get("ProfileName"),
            TransformJobDefinition=TransformJobDefinition._deserialize(json_data.get("TransformJobDefinition")),
        )


# work around possible type aliasing issues when variable has same name as a model
_ValidationProfile = ValidationProfile


@dataclass
class TransformJobDefinition(BaseModel):
    MaxConcurrentTransforms: Optional[int]
    MaxPayloadInMB: Optional[int]
    BatchStrategy: Optional[str]
    Environment: Optional[MutableMapping[str, str]]
    TransformInput: Optional["_TransformInput"]
    TransformOutput: Optional["_TransformOutput"]
    TransformResources: Optional["_TransformResources"]

    @classmethod
    def _deserialize(
        cls: Type["_TransformJobDefinition"],
        json_data: Optional[Mapping[str, Any]],
    ) -> Optional["_TransformJobDefinition"]:
        if not json_data:
            return None
        return cls(
            MaxConcurrentTransforms=json_data.get("MaxConcurrentTransforms"),
            MaxPayloadInMB=json_data.get("MaxPayloadInMB"),
            BatchStrategy=json_data.get("BatchStrategy"),
            Environment=json_data.get("Environment"),
            TransformInput=TransformInput._deserialize(json_data.get("TransformInput")),
            TransformOutput=TransformOutput._deserialize(json_data.get("TransformOutput")),
            TransformResources=TransformResources._deserialize(json_data.get("TransformResources")),
        )


# work around possible type aliasing issues when variable has same name as a model
_TransformJobDefinition = TransformJobDefinition


@dataclass
class TransformInput(BaseModel):
    DataSource: Optional["_DataSource"]
    ContentType: Optional[str]
    CompressionType: Optional[str]
    SplitType: Optional[str]

    @classmethod
    def _deserialize(
        cls: Type["_TransformInput"],
        json_data: Optional[Mapping[str, Any]],
    ) -> Optional["_TransformInput"]:
        if not json_data:
            return None
        return cls(
            DataSource=DataSource._deserialize(json_data.get("DataSource")),
            ContentType=json_data.get("ContentType"),
            CompressionType=json_data.get("CompressionType"),
            SplitType=json_data.get("SplitType"),
        )


# work around possible type aliasing issues when variable has same name as a model
_TransformInput = TransformInput


@dataclass
class DataSource(BaseModel):
    S3DataSource: Optional["_S3DataSource"]

    @classmethod
    def _deserialize(
        cls: Type["_DataSource"],
        json_data: Optional[Mapping[str, Any]],
    ) -> Optional["_DataSource"]:
        if not json_data:
            return None
        return cls(
            S3DataSource=S3DataSource._deserialize(json_data.get("S3DataSource")),
        )


# work around possible type aliasing issues when variable has same name as a model
_DataSource = DataSource


@dataclass
class S3DataSource(BaseModel):
    S3DataType: Optional[str]
    S3Uri: Optional[str]

    @classmethod
    def _deserialize(
        cls: Type["_S3DataSource"],
        json_data: Optional[Mapping[str, Any]],
    ) -> Optional["_S3DataSource"]:
        if not json_data:
            return None
        return cls(
            S3DataType=json_data.get("S3DataType"),
            S3Uri=json_data.get("S3Uri"),
        )


# work around possible type aliasing issues when variable has same name as a model
_S3DataSource = S3DataSource


@dataclass
class TransformOutput(BaseModel):
    S3OutputPath: Optional[str]
    Accept: Optional[str]
    AssembleWith: Optional[str]
    KmsKeyId: Optional[str]

    @classmethod
    def _deserialize(
        cls: Type["_TransformOutput"],
        json_data: Optional[Mapping[str, Any]],
    ) -> Optional["_TransformOutput"]:
        if not json_data:
            return None
        return cls(
            S3OutputPath=json_data.get("S3OutputPath"),
            Accept=json_data.get("Accept"),
            AssembleWith=json_data.get("AssembleWith"),
            KmsKeyId=json_data.get("KmsKeyId"),
        )


# work around possible type aliasing issues when variable has same name as a model
_TransformOutput = TransformOutput


@dataclass
class TransformResources(BaseModel):
    InstanceType: Optional[str]
    InstanceCount: Optional[int]
    VolumeKmsKeyId: Optional[str]
    TransformAmiVersion: Optional[str]

    @classmethod
    def _deserialize(
        cls: Type["_TransformResources"],
        json_data: Optional[Mapping[str, Any]],
    ) -> Optional["_TransformResources"]:
        if not json_data:
            return None
        return cls(
            InstanceType=json_data.get("InstanceType"),
            InstanceCount=json_data.get("InstanceCount"),
            VolumeKmsKeyId=json_data.get("VolumeKmsKeyId"),
            TransformAmiVersion=json_data.get("TransformAmiVersion"),
        )


# work around possible type aliasing issues when variable has same name as a model
_TransformResources = TransformResources


@dataclass
class SourceAlgorithmSpecification(BaseModel):
    SourceAlgorithms: Optional[Sequence["_SourceAlgorithm"]]

    @classmethod
    def _deserialize(
        cls: Type["_SourceAlgorithmSpecification"],
        json_data: Optional[Mapping[str, Any]],
    ) -> Optional["_SourceAlgorithmSpecification"]:
        if not json_data:
            return None
        return cls(
            SourceAlgorithms=deserialize_list(json_data.get("SourceAlgorithms"), SourceAlgorithm),
        )


# work around possible type aliasing issues when variable has same name as a model
_SourceAlgorithmSpecification = SourceAlgorithmSpecification


@dataclass
class SourceAlgorithm(BaseModel):
    ModelDataUrl: Optional[str]
    ModelDataSource: Optional["_ModelDataSource"]
    ModelDataETag: Optional[str]
    AlgorithmName: Optional[str]

    @classmethod
    def _deserialize(
        cls: Type["_SourceAlgorithm"],
        json_data: Optional[Mapping[str, Any]],
    ) -> Optional["_SourceAlgorithm"]:
        if not json_data:
            return None
        return cls(
            ModelDataUrl=json_data.get("ModelDataUrl"),
            ModelDataSource=ModelDataSource._deserialize(json_data.get("ModelDataSource")),
            ModelDataETag=json_data.get("ModelDataETag"),
            AlgorithmName=json_data.get("AlgorithmName"),
        )


# work around possible type aliasing issues when variable has same name as a model
_SourceAlgorithm = SourceAlgorithm


@dataclass
class MetadataProperties(BaseModel):
    CommitId: Optional[str]
    Repository: Optional[str]
    GeneratedBy: Optional[str]
    ProjectId: Optional[str]

    @classmethod
    def _deserialize(
        cls: Type["_MetadataProperties"],
        json_data: Optional[Mapping[str, Any]],
    ) -> Optional["_MetadataProperties"]:
        if not json_data:
            return None
        return cls(
            CommitId=json_data.get("CommitId"),
            Repository=json_data.get("Repository"),
            GeneratedBy=json_data.get("GeneratedBy"),
            ProjectId=json_data.get("ProjectId"),
        )


# work around possible type aliasing issues when variable has same name as a model
_MetadataProperties = MetadataProperties


@dataclass
class ModelMetrics(BaseModel):
    ModelQuality: Optional["_ModelQuality"]
    ModelDataQuality: Optional["_ModelDataQuality"]
    Bias: Optional["_Bias"]
    Explainability: Optional["_Explainability"]

    @classmethod
    def _deserialize(
        cls: Type["_ModelMetrics"],
        json_data: Optional[Mapping[str, Any]],
    ) -> Optional["_ModelMetrics"]:
        if not json_data:
            return None
        return cls(
            ModelQuality=ModelQuality._deserialize(json_data.get("ModelQuality")),
            ModelDataQuality=ModelDataQuality._deserialize(json_data.get("ModelDataQuality")),
            Bias=Bias._deserialize(json_data.get("Bias")),
            Explainability=Explainability._deserialize(json_data.get("Explainability")),
        )


# work around possible type aliasing issues when variable has same name as a model
_ModelMetrics = ModelMetrics


@dataclass
class ModelQuality(BaseModel):
    Statistics: Optional["_MetricsSource"]
    Constraints: Optional["_MetricsSource"]

    @classmethod
    def _deserialize(
        cls: Type["_ModelQuality"],
        json_data: Optional[Mapping[str, Any]],
    ) -> Optional["_ModelQuality"]:
        if not json_data:
            return None
        return cls(
            Statistics=MetricsSource._deserialize(json_data.get("Statistics")),
            Constraints=MetricsSource._deserialize(json_data.get("Constraints")),
        )


# work around possible type aliasing issues when variable has same name as a model
_ModelQuality = ModelQuality


@dataclass
class MetricsSource(BaseModel):
    ContentType: Optional[str]
    ContentDigest: Optional[str]
    S3Uri: Optional[str]

    @classmethod
    def _deserialize(
        cls: Type["_MetricsSource"],
        json_data: Optional[Mapping[str, Any]],
    ) -> Optional["_MetricsSource"]:
        if not json_data:
            return None
        return cls(
            ContentType=json_data.get("ContentType"),
            ContentDigest=json_data.get("ContentDigest"),
            S3Uri=json_data.get("S3Uri"),
        )


# work around possible type aliasing issues when variable has same name as a model
_MetricsSource = MetricsSource


@dataclass
class ModelDataQuality(BaseModel):
    Statistics: Optional["_MetricsSource"]
    Constraints: Optional["_MetricsSource"]

    @classmethod
    def _deserialize(
        cls: Type["_ModelDataQuality"],
        json_data: Optional[Mapping[str, Any]],
    ) -> Optional["_ModelDataQuality"]:
        if not json_data:
            return None
        return cls(
            Statistics=MetricsSource._deserialize(json_data.get("Statistics")),
            Constraints=MetricsSource._deserialize(json_data.get("Constraints")),
        )


# work around possible type aliasing issues when variable has same name as a model
_ModelDataQuality = ModelDataQuality


@dataclass
class Bias(BaseModel):
    Report: Optional["_MetricsSource"]
    PreTrainingReport: Optional["_MetricsSource"]
    PostTrainingReport: Optional["_MetricsSource"]

    @classmethod
    def _deserialize(
        cls: Type["_Bias"],
        json_data: Optional[Mapping[str, Any]],
    ) -> Optional["_Bias"]:
        if not json_data:
            return None
        return cls(
            Report=MetricsSource._deserialize(json_data.get("Report")),
            PreTrainingReport=MetricsSource._deserialize(json_data.get("PreTrainingReport")),
            PostTrainingReport=MetricsSource._deserialize(json_data.get("PostTrainingReport")),
        )


# work around possible type aliasing issues when variable has same name as a model
_Bias = Bias


@dataclass
class Explainability(BaseModel):
    Report: Optional["_MetricsSource"]

    @classmethod
    def _deserialize(
        cls: Type["_Explainability"],
        json_data: Optional[Mapping[str, Any]],
    ) -> Optional["_Explainability"]:
        if not json_data:
            return None
        return cls(
            Report=MetricsSource._deserialize(json_data.get("Report")),
        )


# work around possible type aliasing issues when variable has same name as a model
_Explainability = Explainability


@dataclass
class DriftCheckBaselines(BaseModel):
    Bias: Optional["_DriftCheckBias"]
    Explainability: Optional["_DriftCheckExplainability"]
    ModelQuality: Optional["_DriftCheckModelQuality"]
    ModelDataQuality: Optional["_DriftCheckModelDataQuality"]

    @classmethod
    def _deserialize(
        cls: Type["_DriftCheckBaselines"],
        json_data: Optional[Mapping[str, Any]],
    ) -> Optional["_DriftCheckBaselines"]:
        if not json_data:
            return None
        return cls(
            Bias=DriftCheckBias._deserialize(json_data.get("Bias")),
            Explainability=DriftCheckExplainability._deserialize(json_data.get("Explainability")),
            ModelQuality=DriftCheckModelQuality._deserialize(json_data.get("ModelQuality")),
            ModelDataQuality=DriftCheckModelDataQuality._deserialize(json_data.get("ModelDataQuality")),
        )


# work around possible type aliasing issues when variable has same name as a model
_DriftCheckBaselines = DriftCheckBaselines


@dataclass
class DriftCheckBias(BaseModel):
    ConfigFile: Optional["_FileSource"]
    PreTrainingConstraints: Optional["_MetricsSource"]
    PostTrainingConstraints: Optional["_MetricsSource"]

    @classmethod
    def _deserialize(
        cls: Type["_DriftCheckBias"],
        json_data: Optional[Mapping[str, Any]],
    ) -> Optional["_DriftCheckBias"]:
        if not json_data:
            return None
        return cls(
            ConfigFile=FileSource._deserialize(json_data.get("ConfigFile")),
            PreTrainingConstraints=MetricsSource._deserialize(json_data.get("PreTrainingConstraints")),
            PostTrainingConstraints=MetricsSource._deserialize(json_data.get("PostTrainingConstraints")),
        )


# work around possible type aliasing issues when variable has same name as a model
_DriftCheckBias = DriftCheckBias


@dataclass
class FileSource(BaseModel):
    ContentType: Optional[str]
    ContentDigest: Optional[str]
    S3Uri: Optional[str]

    @classmethod
    def _deserialize(
        cls: Type["_FileSource"],
        json_data: Optional[Mapping[str, Any]],
    ) -> Optional["_FileSource"]:
        if not json_data:
            return None
        return cls(
            ContentType=json_data.get("ContentType"),
            ContentDigest=json_data.get("ContentDigest"),
            S3Uri=json_data.get("S3Uri"),
        )


# work around possible type aliasing issues when variable has same name as a model
_FileSource = FileSource


@dataclass
class DriftCheckExplainability(BaseModel):
    Constraints: Optional["_MetricsSource"]
    ConfigFile: Optional["_FileSource"]

    @classmethod
    def _deserialize(
        cls: Type["_DriftCheckExplainability"],
        json_data: Optional[Mapping[str, Any]],
    ) -> Optional["_DriftCheckExplainability"]:
        if not json_data:
            return None
        return cls(
            Constraints=MetricsSource._deserialize(json_data.get("Constraints")),
            ConfigFile=FileSource._deserialize(json_data.get("ConfigFile")),
        )


# work around possible type aliasing issues when variable has same name as a model
_DriftCheckExplainability = DriftCheckExplainability


@dataclass
class DriftCheckModelQuality(BaseModel):
    Statistics: Optional["_MetricsSource"]
    Constraints: Optional["_MetricsSource"]

    @classmethod
    def _deserialize(
        cls: Type["_DriftCheckModelQuality"],
        json_data: Optional[Mapping[str, Any]],
    ) -> Optional["_DriftCheckModelQuality"]:
        if not json_data:
            return None
        return cls(
            Statistics=MetricsSource._deserialize(json_data.get("Statistics")),
            Constraints=MetricsSource._deserialize(json_data.get("Constraints")),
        )


# work around possible type aliasing issues when variable has same name as a model
_DriftCheckModelQuality = DriftCheckModelQuality


@dataclass
class DriftCheckModelDataQuality(BaseModel):
    Statistics: Optional["_MetricsSource"]
    Constraints: Optional["_MetricsSource"]

    @classmethod
    def _deserialize(
        cls: Type["_DriftCheckModelDataQuality"],
        json_data: Optional[Mapping[str, Any]],
    ) -> Optional["_DriftCheckModelDataQuality"]:
        if not json_data:
            return None
        return cls(
            Statistics=MetricsSource._deserialize(json_data.get("Statistics")),
            Constraints=MetricsSource._deserialize(json_data.get("Constraints")),
        )


# work around possible type aliasing issues when variable has same name as a model
_DriftCheckModelDataQuality = DriftCheckModelDataQuality


@dataclass
class SecurityConfig(BaseModel):
    KmsKeyId: Optional[str]

    @classmethod
    def _deserialize(
        cls: Type["_SecurityConfig"],
        json_data: Optional[Mapping[str, Any]],
    ) -> Optional["_SecurityConfig"]:
        if not json_data:
            return None
        return cls(
            KmsKeyId=json_data.get("KmsKeyId"),
        )


# work around possible type aliasing issues when variable has same name as a model
_SecurityConfig = SecurityConfig


@dataclass
class ModelCard(BaseModel):
    ModelCardContent: Optional[str]
    ModelCardStatus: Optional[str]

    @classmethod
    def _deserialize(
        cls: Type["_ModelCard"],
        json_data: Optional[Mapping[str, Any]],
    ) -> Optional["_ModelCard"]:
        if not json_data:
            return None
        return cls(
            ModelCardContent=json_data.get("ModelCardContent"),
            ModelCardStatus=json_data.get("ModelCardStatus"),
        )


# work around possible type aliasing issues when variable has same name as a model
_ModelCard = ModelCard


@dataclass
class ModelLifeCycle(BaseModel):
    Stage: Optional[str]
    StageStatus: Optional[str]
    StageDescription: Optional[str]

    @classmethod
    def _deserialize(
        cls: Type["_ModelLifeCycle"],
        json_data: Optional[Mapping[str, Any]],
    ) -> Optional["_ModelLifeCycle"]:
        if not json_data:
            return None
        return cls(
            Stage=json_data.get("Stage"),
            StageStatus=json_data.get("StageStatus"),
            StageDescription=json_data.get("StageDescription"),
        )


# work around possible type aliasing issues when variable has same name as a model
_ModelLifeCycle = ModelLifeCycle


@dataclass
class Tag(BaseModel):
    Key: Optional[str]
    Value: Optional[str]

    @classmethod
    def _deserialize(
        cls: Type["_Tag"],
        json_data: Optional[Mapping[str, Any]],
    ) -> Optional["_Tag"]:
        if not json_data:
            return None
        return cls(
            Key=json_data.get("Key"),
            Value=json_data.get("Value"),
        )


# work around possible type aliasing issues when variable has same name as a model
_Tag = Tag


@dataclass
class TypeConfigurationModel(BaseModel):

    @classmethod
    def _deserialize(
        cls: Type["_TypeConfigurationModel"],
        json_data: Optional[Mapping[str, Any]],
    ) -> Optional["_TypeConfigurationModel"]:
        if not json_data:
            return None
        return cls(
        )


# work around possible type aliasing issues when variable has same name as a model
_TypeConfigurationModel = TypeConfigurationModel


