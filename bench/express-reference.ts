// The reference the worker is measured against: the pattern of Appwrite's docs for JWT-authenticated
// server code — Express, a new node-appwrite Client per request with `setJWT`, `account.get()`.
// node-appwrite as published (its undici fetch). Run: node bench/express-reference.ts
import express from 'express';
import { Account, AppwriteException, Client } from 'node-appwrite';

const endpoint = process.env.APPWRITE_ENDPOINT ?? 'http://127.0.0.1:8788/v1';
const project = process.env.APPWRITE_PROJECT_ID ?? 'demo';
const app = express();

app.get('/health', (_request, response) => {
  response.json({ status: 'ok' });
});

app.get('/me', async (request, response) => {
  const jwt = request.get('authorization')?.replace(/^Bearer /, '');
  if (!jwt) {
    response.status(401).json({ message: 'No JWT', code: 401, type: 'user_unauthorized' });
    return;
  }
  const client = new Client().setEndpoint(endpoint).setProject(project).setJWT(jwt);
  try {
    response.json(await new Account(client).get());
  } catch (error) {
    const status = error instanceof AppwriteException && error.code >= 400 ? error.code : 500;
    response.status(status).json({ message: 'failed', code: status, type: 'general_unknown' });
  }
});

const port = Number(process.env.PORT ?? 8789);
app.listen(port, '127.0.0.1', () => console.log(`express reference on http://127.0.0.1:${port}`));
