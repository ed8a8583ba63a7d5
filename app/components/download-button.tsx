// Downloads a file the app serves behind admin authentication. A plain link, or a new tab, reaches the
// app as a document request without the session token (App Bridge adds it to fetch requests only), so
// Shopify's auth sends it to the login page instead of the file. Hence: fetch the file (App Bridge puts
// the token on it), then hand the bytes to the browser as a download.
import { useAppBridge } from "@shopify/app-bridge-react";
import { Button } from "@shopify/polaris";
import { useState } from "react";

export function DownloadButton({ url, fileName, children }: { url: string; fileName: string; children: string }) {
  const shopify = useAppBridge();
  const [busy, setBusy] = useState(false);
  async function download() {
    setBusy(true);
    try {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const objectUrl = URL.createObjectURL(await response.blob());
      const anchor = document.createElement("a");
      anchor.href = objectUrl;
      anchor.download = fileName;
      anchor.click();
      // The browser reads the blob after click() returns; release it once it has surely done so.
      setTimeout(() => URL.revokeObjectURL(objectUrl), 60_000);
    } catch {
      shopify.toast.show(`${fileName} could not be downloaded. Try again.`, { isError: true });
    } finally {
      setBusy(false);
    }
  }
  return (
    <Button variant="plain" loading={busy} onClick={download} accessibilityLabel={`Download ${fileName}`}>
      {children}
    </Button>
  );
}
