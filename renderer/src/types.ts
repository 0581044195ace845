// The admin API's shapes, shared with the gateway as types only (erased at build time).
export type {
  AliasView,
  BreakerView,
  CacheSettingsInput,
  CacheSettingsView,
  EmbedderOption,
  CacheStats,
  LibreChatSetup,
  Mode,
  OllamaStatus,
  ProviderInput,
  ProviderTestResult,
  ProviderView,
  PullProgress,
  RequestRecord,
  StatusResponse,
  TrafficBucket,
  TrafficSeries,
} from '../../main/admin/contract.js';

