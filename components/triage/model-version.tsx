"use client";

interface Version {
  id: string;
  modelId: string;
  fileSha256: string;
  adapterSha256: string | null;
  backend: string;
  encoder: string | null;
  classifier: string | null;
  promptVersion: string | null;
}

const short = (sha: string) => sha.slice(0, 12);

/** What produced a triage (the model registry's parts), folded under its version id with the timings. */
export function ModelVersionDetails({ id, version, timing }: { id: string; version: Version | null; timing: string }) {
  const rows: [string, string][] = version
    ? [
        ["Chat model", `${version.modelId} · sha256 ${short(version.fileSha256)}`],
        ["Adapter", version.adapterSha256 ? `LoRA · sha256 ${short(version.adapterSha256)}` : "none (base model)"],
        ["Encoder", version.encoder ?? "not recorded"],
        ["Classifier", version.classifier ?? "not recorded"],
        ["Prompts", version.promptVersion ?? "not recorded"],
        ["Backend", version.backend],
      ]
    : [];
  return (
    <details className="min-w-0 text-xs text-zinc-500" data-testid="model-version">
      <summary className="cursor-pointer truncate" title={id}>
        {id}
        {timing}
      </summary>
      {rows.length > 0 && (
        <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5">
          {rows.map(([k, v]) => (
            <div key={k} className="contents">
              <dt className="text-zinc-500">{k}</dt>
              <dd className="break-all text-zinc-600">{v}</dd>
            </div>
          ))}
        </dl>
      )}
    </details>
  );
}
