// /auth/login: the library refuses authenticate.admin here (it is where it sends a request without a
// shop), so this page asks for the shop domain and hands it to login(). The other /auth paths are the
// resource route auth.$.tsx.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { AppProvider, Button, Card, FormLayout, Page, TextField } from "@shopify/polaris";
import enTranslations from "@shopify/polaris/locales/en.json";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { LoginErrorType, type LoginError } from "@shopify/shopify-app-remix/server";
import { useState } from "react";
import { login } from "../shopify.server";

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

const LOGIN_ERROR_MESSAGES: Record<LoginErrorType, string> = {
  [LoginErrorType.MissingShop]: "Enter your shop domain to log in.",
  [LoginErrorType.InvalidShop]: "Enter a valid shop domain.",
};

/** login() returns errors and throws the redirect to the shop's install page when the domain is valid. */
const loginErrors = (errors: LoginError) => ({ shop: errors.shop ? LOGIN_ERROR_MESSAGES[errors.shop] : undefined });

export const loader = async ({ request }: LoaderFunctionArgs) => ({ errors: loginErrors(await login(request)) });

export const action = async ({ request }: ActionFunctionArgs) => {
  // The posted shop also goes into the URL: that is where login() of the multi-credential setup
  // reads which app (public, or the shop's PRIVATE one) the shop belongs to.
  const form = await request.formData();
  const url = new URL(request.url);
  const shop = String(form.get("shop") ?? "").trim();
  if (shop) url.searchParams.set("shop", shop);
  return { errors: loginErrors(await login(new Request(url, { method: "POST", body: form }))) };
};

export default function Login() {
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [shop, setShop] = useState("");
  const { errors } = actionData ?? loaderData;
  return (
    <AppProvider i18n={enTranslations}>
      <Page narrowWidth title="Log in">
        <Card>
          <Form method="post">
            <FormLayout>
              <TextField
                type="text"
                name="shop"
                label="Shop domain"
                helpText="e.g. my-shop.myshopify.com"
                value={shop}
                onChange={setShop}
                autoComplete="on"
                error={errors.shop}
              />
              <Button submit variant="primary">
                Log in
              </Button>
            </FormLayout>
          </Form>
        </Card>
      </Page>
    </AppProvider>
  );
}
