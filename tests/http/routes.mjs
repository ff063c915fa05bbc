// Requests built from a route's declared fields (as `hearth routes` lists
// them), for the suites that walk every route: access.test.mjs and
// faults.test.mjs.
import { run } from './server.mjs';

// Every route, as `hearth routes` prints it.
export function allRoutes() {
  const listed = run(['routes']);
  if (listed.status !== 0) throw new Error(`hearth routes failed: ${listed.stderr}`);
  return JSON.parse(listed.stdout);
}

export const today = () => new Date().toISOString().slice(0, 10);

// A value that passes the declared field's validation. person gives secrets
// (their real password) and emails; text, when given, goes into text fields
// (cut or padded to the field's limits).
export function sample(field, person, text) {
  const length = Math.max(field.min, 1);
  switch (field.type) {
    case 'string':
    case 'name':
    case 'text':
      if (text) return text.slice(0, field.max > 0 ? field.max : text.length).padEnd(field.min, 'x');
      return 'x'.repeat(length);
    case 'secret':
      return person ? person.password : 'x'.repeat(length);
    case 'email':
      return person ? person.email : 'someone@example.org';
    case 'int':
      return field.min <= 1 && field.max >= 1 ? 1 : field.min;
    case 'bool':
      return true;
    case 'choice':
      return field.choices[0];
    case 'choices':
      return field.choices.slice(0, 1);
    case 'date':
      return today();
    case 'id':
      return '1';
    default:
      throw new Error(`no sample for field type ${field.type}`);
  }
}

export function jsonBody(route, person, text) {
  return Object.fromEntries(route.fields.map((f) => [f.name, sample(f, person, text)]));
}

export function query(route, person) {
  if (route.fields.length === 0) return '';
  const q = new URLSearchParams();
  for (const f of route.fields) {
    const v = sample(f, person);
    for (const one of Array.isArray(v) ? v : [v]) q.append(f.name, typeof one === 'boolean' ? 'on' : String(one));
  }
  return `?${q}`;
}

// The route's pattern with its parameters filled in; id parameters get id.
export function fill(pattern, id) {
  return pattern.replace(/\{([a-z_]+)(?::([a-z]+))?\}/g, (_, name, type) => {
    if (type === 'id' || name === 'id') return id;
    if (type === 'date') return today();
    if (type === 'int') return '1';
    if (type === 'file') return 'x.ics';
    return 'x';
  });
}

