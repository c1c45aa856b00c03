// One change of a reload, whichever part of the config it comes from (devices, L2TPv3): the
// daemon applies them in order without knowing what they touch: what it is about (the log's
// `device`), its action and its line.
export interface ConfigStep {
  subject: string;
  action: string;
  line: string;
  apply(): Promise<void>;
}
