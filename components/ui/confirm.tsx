"use client";

import { useCallback, useState, type ReactNode } from "react";
import { Button } from "./button";
import { Dialog } from "./dialog";

interface Ask {
  title: string;
  body: ReactNode;
  confirm: string;
  danger?: boolean;
  resolve: (ok: boolean) => void;
}

/**
 * `const [confirm, dialog] = useConfirm()`; render `dialog`, then `if (await confirm({...}))`. The confirming button
 * takes focus, so Enter confirms and Escape cancels.
 */
export function useConfirm() {
  const [ask, setAsk] = useState<Ask | null>(null);
  const confirm = useCallback(
    (q: Omit<Ask, "resolve">) => new Promise<boolean>((resolve) => setAsk({ ...q, resolve })),
    [],
  );
  const close = (ok: boolean) => {
    ask?.resolve(ok);
    setAsk(null);
  };
  const dialog = (
    <Dialog open={!!ask} onClose={() => close(false)} title={ask?.title ?? ""}>
      <div className="text-sm text-zinc-700">{ask?.body}</div>
      <div className="flex justify-end gap-2">
        <Button variant="secondary" onClick={() => close(false)}>
          Cancel
        </Button>
        <Button variant={ask?.danger ? "danger" : "primary"} autoFocus onClick={() => close(true)}>
          {ask?.confirm}
        </Button>
      </div>
    </Dialog>
  );
  return [confirm, dialog] as const;
}
