// The demo seed's identifiers (emulator/seed.ts), shared by suites that run in Node and in workerd.
export const PROJECT = 'demo';
export const API_KEY = 'demo-api-key';
export const DATABASE = '642f358bf4084c662590';
export const BIRTHDAYS = '642f3592aa5fc856ad1e';
