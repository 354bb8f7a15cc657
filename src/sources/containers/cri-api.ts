// The part of the Kubernetes Container Runtime Interface that ghostwatch speaks, and its loading.
// The .proto text lives in a string so that it ships inside dist/ (tsc copies no .proto files) and
// the bundle; it is parsed only when a CRI client first connects, and @grpc/grpc-js, proto-loader
// and protobufjs are imported then too, so commands that never talk to a runtime do not load them.

import type * as Grpc from '@grpc/grpc-js';

/**
 * A subset of kubernetes/cri-api `pkg/apis/runtime/v1/api.proto` (package runtime.v1; also
 * kubernetes/kubernetes staging/src/k8s.io/cri-api/...), as of Kubernetes 1.35: only the RPCs,
 * messages and fields used here or by the tests' pod helpers (test/support/containerd.ts, which
 * runs pods as a kubelet would: RunPodSandbox ... RemoveContainer). Names, field numbers and enum
 * values are those of the upstream file; a message here may leave out upstream fields, which
 * protobuf skips on decoding. ContainerStatus.image_id and .user (CRI 1.31) and
 * ImageSpec.user_specified_image (1.30) are newer than runtime.v1 itself: older runtimes leave them
 * empty.
 */
export const CRI_PROTO = `
syntax = "proto3";
package runtime.v1;

service RuntimeService {
  rpc Version(VersionRequest) returns (VersionResponse) {}
  rpc RunPodSandbox(RunPodSandboxRequest) returns (RunPodSandboxResponse) {}
  rpc StopPodSandbox(StopPodSandboxRequest) returns (StopPodSandboxResponse) {}
  rpc RemovePodSandbox(RemovePodSandboxRequest) returns (RemovePodSandboxResponse) {}
  rpc PodSandboxStatus(PodSandboxStatusRequest) returns (PodSandboxStatusResponse) {}
  rpc ListPodSandbox(ListPodSandboxRequest) returns (ListPodSandboxResponse) {}
  rpc CreateContainer(CreateContainerRequest) returns (CreateContainerResponse) {}
  rpc StartContainer(StartContainerRequest) returns (StartContainerResponse) {}
  rpc StopContainer(StopContainerRequest) returns (StopContainerResponse) {}
  rpc RemoveContainer(RemoveContainerRequest) returns (RemoveContainerResponse) {}
  rpc ListContainers(ListContainersRequest) returns (ListContainersResponse) {}
  rpc ContainerStatus(ContainerStatusRequest) returns (ContainerStatusResponse) {}
  rpc GetContainerEvents(GetEventsRequest) returns (stream ContainerEventResponse) {}
}

service ImageService {
  rpc ImageStatus(ImageStatusRequest) returns (ImageStatusResponse) {}
}

message VersionRequest {}
message VersionResponse { string runtime_name = 2; }

enum MountPropagation {
  PROPAGATION_PRIVATE = 0;
  PROPAGATION_HOST_TO_CONTAINER = 1;
  PROPAGATION_BIDIRECTIONAL = 2;
}
message Mount {
  string container_path = 1;
  string host_path = 2;
  bool readonly = 3;
  MountPropagation propagation = 5;
}

enum NamespaceMode {
  POD = 0;
  CONTAINER = 1;
  NODE = 2;
  TARGET = 3;
}
message NamespaceOption {
  NamespaceMode network = 1;
  NamespaceMode pid = 2;
  NamespaceMode ipc = 3;
}

message Int64Value { int64 value = 1; }

message LinuxSandboxSecurityContext {
  NamespaceOption namespace_options = 1;
  bool privileged = 6;
}
message LinuxPodSandboxConfig {
  string cgroup_parent = 1;
  LinuxSandboxSecurityContext security_context = 2;
}
message PodSandboxMetadata {
  string name = 1;
  string uid = 2;
  string namespace = 3;
  uint32 attempt = 4;
}
message PodSandboxConfig {
  PodSandboxMetadata metadata = 1;
  string hostname = 2;
  string log_directory = 3;
  map<string, string> labels = 6;
  map<string, string> annotations = 7;
  LinuxPodSandboxConfig linux = 8;
}

message RunPodSandboxRequest { PodSandboxConfig config = 1; }
message RunPodSandboxResponse { string pod_sandbox_id = 1; }
message StopPodSandboxRequest { string pod_sandbox_id = 1; }
message StopPodSandboxResponse {}
message RemovePodSandboxRequest { string pod_sandbox_id = 1; }
message RemovePodSandboxResponse {}

message PodSandboxStatusRequest {
  string pod_sandbox_id = 1;
  bool verbose = 2;
}
message PodIP { string ip = 1; }
message PodSandboxNetworkStatus {
  string ip = 1;
  repeated PodIP additional_ips = 2;
}
message Namespace { NamespaceOption options = 2; }
message LinuxPodSandboxStatus { Namespace namespaces = 1; }
enum PodSandboxState {
  SANDBOX_READY = 0;
  SANDBOX_NOTREADY = 1;
}
message PodSandboxStatus {
  string id = 1;
  PodSandboxMetadata metadata = 2;
  int64 created_at = 4;
  PodSandboxNetworkStatus network = 5;
  LinuxPodSandboxStatus linux = 6;
  map<string, string> labels = 7;
}
message PodSandboxStatusResponse {
  PodSandboxStatus status = 1;
  map<string, string> info = 2;
}

message ListPodSandboxRequest {}
message PodSandbox {
  string id = 1;
  PodSandboxState state = 3;
}
message ListPodSandboxResponse { repeated PodSandbox items = 1; }

message ImageSpec {
  string image = 1;
  string user_specified_image = 18;
}
message KeyValue {
  string key = 1;
  string value = 2;
}

message LinuxContainerSecurityContext {
  bool privileged = 2;
  NamespaceOption namespace_options = 3;
  Int64Value run_as_user = 5;
}
message LinuxContainerConfig { LinuxContainerSecurityContext security_context = 2; }
message ContainerMetadata {
  string name = 1;
  uint32 attempt = 2;
}
message ContainerConfig {
  ContainerMetadata metadata = 1;
  ImageSpec image = 2;
  repeated string command = 3;
  repeated KeyValue envs = 6;
  repeated Mount mounts = 7;
  map<string, string> labels = 9;
  map<string, string> annotations = 10;
  string log_path = 11;
  LinuxContainerConfig linux = 15;
}

message CreateContainerRequest {
  string pod_sandbox_id = 1;
  ContainerConfig config = 2;
  PodSandboxConfig sandbox_config = 3;
}
message CreateContainerResponse { string container_id = 1; }
message StartContainerRequest { string container_id = 1; }
message StartContainerResponse {}
message StopContainerRequest {
  string container_id = 1;
  int64 timeout = 2;
}
message StopContainerResponse {}
message RemoveContainerRequest { string container_id = 1; }
message RemoveContainerResponse {}

enum ContainerState {
  CONTAINER_CREATED = 0;
  CONTAINER_RUNNING = 1;
  CONTAINER_EXITED = 2;
  CONTAINER_UNKNOWN = 3;
}
message ContainerFilter { string id = 1; }
message ListContainersRequest { ContainerFilter filter = 1; }
message Container {
  string id = 1;
  string pod_sandbox_id = 2;
  ContainerState state = 6;
}
message ListContainersResponse { repeated Container containers = 1; }

message ContainerStatusRequest {
  string container_id = 1;
  bool verbose = 2;
}
message LinuxContainerUser { int64 uid = 1; }
message ContainerUser { LinuxContainerUser linux = 1; }
message ContainerStatus {
  string id = 1;
  ContainerMetadata metadata = 2;
  int64 created_at = 4;
  ImageSpec image = 8;
  string image_ref = 9;
  map<string, string> labels = 12;
  repeated Mount mounts = 14;
  string image_id = 17;
  ContainerUser user = 18;
}
message ContainerStatusResponse {
  ContainerStatus status = 1;
  map<string, string> info = 2;
}

message ImageStatusRequest { ImageSpec image = 1; }
message Image { string id = 1; }
message ImageStatusResponse { Image image = 1; }

message GetEventsRequest {}
enum ContainerEventType {
  CONTAINER_CREATED_EVENT = 0;
  CONTAINER_STARTED_EVENT = 1;
  CONTAINER_STOPPED_EVENT = 2;
  CONTAINER_DELETED_EVENT = 3;
}
message ContainerEventResponse {
  string container_id = 1;
  ContainerEventType container_event_type = 2;
}
`;

/** The generated client constructors and the gRPC library they belong to. */
export interface CriApi {
  readonly grpc: typeof Grpc;
  readonly RuntimeService: Grpc.ServiceClientConstructor;
  readonly ImageService: Grpc.ServiceClientConstructor;
}

/**
 * How decoded messages look: camelCase field names, enums as their names, 64-bit integers as
 * decimal strings (created_at in nanoseconds does not fit a double exactly), absent scalars as
 * their defaults, absent messages as null.
 */
const DECODING = { longs: String, enums: String, defaults: true } as const;

let loading: Promise<CriApi> | undefined;

/** Parses CRI_PROTO and loads gRPC, once per process. */
export function loadCriApi(): Promise<CriApi> {
  loading ??= (async () => {
    const [grpc, protoLoader, { default: protobuf }] = await Promise.all([
      import('@grpc/grpc-js'),
      import('@grpc/proto-loader'),
      import('protobufjs'),
    ]);
    // proto-loader's keepCase applies when it parses files; here the parse makes the names camelCase.
    const root = protobuf.parse(CRI_PROTO, { keepCase: false }).root;
    const services = grpc.loadPackageDefinition(protoLoader.fromJSON(root.toJSON(), DECODING));
    const v1 = (services.runtime as Grpc.GrpcObject).v1 as Grpc.GrpcObject;
    return {
      grpc,
      RuntimeService: v1.RuntimeService as Grpc.ServiceClientConstructor,
      ImageService: v1.ImageService as Grpc.ServiceClientConstructor,
    };
  })();
  return loading;
}
