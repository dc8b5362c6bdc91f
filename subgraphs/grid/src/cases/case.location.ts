import { CoordinateSystem, type LocationInput } from './case.input';

/*
 * GCJ-02 → WGS-84. Chinese map services (Amap/Gaode, Tencent, WeChat's location picker) give coordinates
 * in GCJ-02, WGS-84 shifted by a published, non-invertible offset of a few hundred metres; GPS and Open311
 * give WGS-84, which the platform stores. The offset (the widely published reimplementation of the GCJ-02
 * formula, Krasovsky ellipsoid) is inverted by fixed-point iteration: start at the GCJ-02 point, move by the
 * difference between its forward transform and the target until under 1e-9° (≈ 0.1 mm); it converges in a
 * few steps. Outside China's rough bounding box GCJ-02 equals WGS-84.
 */
const A = 6378245.0;
const EE = 0.006693421622965943;

function outOfChina(lat: number, lng: number): boolean {
  return lng < 72.004 || lng > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

function offsetLat(x: number, y: number): number {
  let r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(y * Math.PI) + 40 * Math.sin((y / 3) * Math.PI)) * 2) / 3;
  r += ((160 * Math.sin((y / 12) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30)) * 2) / 3;
  return r;
}

function offsetLng(x: number, y: number): number {
  let r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  r += ((20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2) / 3;
  r += ((20 * Math.sin(x * Math.PI) + 40 * Math.sin((x / 3) * Math.PI)) * 2) / 3;
  r += ((150 * Math.sin((x / 12) * Math.PI) + 300 * Math.sin((x / 30) * Math.PI)) * 2) / 3;
  return r;
}

/** WGS-84 → GCJ-02 (the forward offset). */
export function wgs84ToGcj02(lat: number, lng: number): [number, number] {
  if (outOfChina(lat, lng)) return [lat, lng];
  const radLat = (lat / 180) * Math.PI;
  const magic = 1 - EE * Math.sin(radLat) ** 2;
  const sqrtMagic = Math.sqrt(magic);
  const dLat = (offsetLat(lng - 105, lat - 35) * 180) / (((A * (1 - EE)) / (magic * sqrtMagic)) * Math.PI);
  const dLng = (offsetLng(lng - 105, lat - 35) * 180) / ((A / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return [lat + dLat, lng + dLng];
}

/** GCJ-02 → WGS-84, by iterating the forward offset. */
export function gcj02ToWgs84(lat: number, lng: number): [number, number] {
  if (outOfChina(lat, lng)) return [lat, lng];
  let [wLat, wLng] = [lat, lng];
  for (let i = 0; i < 30; i++) {
    const [gLat, gLng] = wgs84ToGcj02(wLat, wLng);
    const [eLat, eLng] = [gLat - lat, gLng - lng];
    wLat -= eLat;
    wLng -= eLng;
    if (Math.abs(eLat) < 1e-9 && Math.abs(eLng) < 1e-9) break;
  }
  return [wLat, wLng];
}

/** A location as stored: WGS-84 degrees rounded to 6 decimals (about 11 cm). */
export function storedLocation(location: LocationInput | null | undefined): { latitude: number | null; longitude: number | null } {
  if (!location) return { latitude: null, longitude: null };
  const [lat, lng] = location.system === CoordinateSystem.GCJ02 ? gcj02ToWgs84(location.latitude, location.longitude) : [location.latitude, location.longitude];
  const round = (v: number) => Math.round(v * 1e6) / 1e6;
  return { latitude: round(lat), longitude: round(lng) };
}
